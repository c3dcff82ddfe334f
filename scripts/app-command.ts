// How an app is started, in one place for `npm start`, the tests and the fault scripts: from TypeScript
// through tsx, or compiled: `npm run build` output with the packages' `production` exports (as the
// Dockerfile and compose run it). node itself is the process, so it gets the signals.
export function appArgs(entry: string, { compiled }: { compiled: boolean }): string[] {
  return compiled ? ['--conditions=production', entry.replace(/(^|\/)src\//, '$1dist/src/').replace(/\.ts$/, '.js')] : ['--import', 'tsx', entry];
}
