// The architecture's "nevers", checked by `npm run lint:deps` (and .ci/run) instead of by discipline:
// apps depend on packages, never on each other; packages never on apps; the API never loads the model;
// db, model and queue stay independent of each other (what they share lives in packages/core, a leaf).
// Source only (tests may reach across for fixtures).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-app-to-app',
      comment: 'An app never imports another app: what two apps share lives in a package.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/src/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-package-to-app',
      comment: 'Packages never depend on the apps built on them.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'api-never-loads-the-model',
      comment: 'The API queues texts; only workers load the model (and its native runtime).',
      severity: 'error',
      from: { path: '^apps/api/src/' },
      to: { path: '^(packages/model/|node_modules/(onnxruntime-node|@xenova/transformers)/)' },
    },
    {
      name: 'db-model-queue-independent',
      comment:
        'db, model and queue do not import each other, not even through another package (db reads the analytics ' +
        'contract, which must not reach the queue): each can change (or be replaced) alone.',
      severity: 'error',
      from: { path: '^packages/(db|model|queue)/src/' },
      to: { path: '^packages/(db|model|queue)/', pathNot: '^packages/$1/', reachable: true },
    },
    {
      name: 'db-takes-only-the-analytics-answer-types',
      comment:
        "db's analytics repository returns the answer shapes the HTTP contract defines: it imports them (as types) " +
        'from @sentiment/contract/analytics, and nothing else of the contract.',
      severity: 'error',
      from: { path: '^packages/db/src/' },
      to: { path: '^packages/contract/', pathNot: '^packages/contract/src/analytics\\.ts$' },
    },
    {
      name: 'core-is-a-leaf',
      comment: '@sentiment/core (the sentiment list, the time bucket widths, thread priority) imports nothing but Node built-ins, so every package may import it.',
      severity: 'error',
      from: { path: '^packages/core/src/' },
      to: { pathNot: '^(packages/core/src/|node:|fs$|os$)' },
    },
    {
      name: 'registry-is-a-leaf',
      comment: '@sentiment/registry (models.json, aliases, the traffic split) depends on zod and Node built-ins alone: the API, the workers and tools read it alike.',
      severity: 'error',
      from: { path: '^packages/registry/src/' },
      to: { pathNot: '^(packages/registry/src/|node_modules/zod/|node:|fs$|path$|url$|crypto$)' },
    },
    {
      name: 'settings-is-a-leaf',
      comment: "@sentiment/settings (reading and reporting environment variables, process-wide V8 settings) depends on zod and Node's own modules alone, so every program may use it.",
      severity: 'error',
      from: { path: '^packages/settings/src/' },
      to: { pathNot: '^(packages/settings/src/|node_modules/zod/)', dependencyTypesNot: ['core'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(apps|packages)/[^/]+/src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|test|scripts|models)/' },
    parser: 'swc',
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
