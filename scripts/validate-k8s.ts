// `npm run lint:k8s`: validates deploy/k8s offline (no cluster). Every YAML document is checked against the
// Kubernetes (kubernetes-models) or KEDA (@kubernetes-models/keda) JSON schema of its apiVersion and kind,
// with fields the schema does not know reported as kubectl's strict field validation would; kinds with no
// schema fail. Then the project's own rules: resources, probes, grace periods above the apps' shutdown
// timeouts, secrets only from Secrets, the commands of docker-compose.yml, a worker pool per model of
// models.json with a ScaledObject on its own queue, and PodDisruptionBudgets (deploy/README.md).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { readModelsFile } from '@sentiment/registry';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const K8S_DIR = path.join(root, 'deploy/k8s');

export interface K8sProblem {
  /** The file, relative to the directory validated. */
  file: string;
  kind: string;
  name: string;
  message: string;
}

export interface K8sOptions {
  /** The model registry whose every model needs a worker pool (default: the repository's models.json). */
  modelsFile?: string;
  /** Where the image's commands are defined (default: the repository's docker-compose.yml). */
  composeFile?: string;
}

export interface K8sReport {
  /** Documents read (kustomization.yaml included). */
  documents: number;
  problems: K8sProblem[];
}

/** Variables that hold credentials: they may only come from a Secret. */
const SECRET_VARS = ['DATABASE_URL', 'REDIS_URL', 'REDIS_PASSWORD', 'API_KEYS', 'ADMIN_USER', 'ADMIN_PASSWORD', 'INPUT_TEXT_KEYS'];
/** Secrets shipped in the repository are templates: every value holds this marker. */
const PLACEHOLDER = 'CHANGE_ME';
/** The apps' SHUTDOWN_TIMEOUT_MS defaults (docs/configuration.md). */
const SHUTDOWN_DEFAULT_MS = { api: 10_000, worker: 30_000 } as const;
type App = 'api' | 'worker' | 'migrate';

// Loosely typed YAML on purpose: the schemas have checked the shapes before the project rules read them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

interface Doc {
  file: string;
  kind: string;
  name: string;
  body: Any;
}

export function formatProblem(p: K8sProblem): string {
  return `${p.file}: ${p.kind} ${p.name}: ${p.message}`;
}

/** Reads every *.yaml / *.yml of `dir` and returns what is wrong with it (nothing: valid). */
export async function validateK8s(dir: string = K8S_DIR, options: K8sOptions = {}): Promise<K8sReport> {
  const problems: K8sProblem[] = [];
  const docs: Doc[] = [];
  let documents = 0;
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const file of files) {
    for (const parsed of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      if ('empty' in parsed || parsed.contents === null) continue;
      documents++;
      if (parsed.errors.length > 0) {
        problems.push({ file, kind: '?', name: '?', message: `YAML: ${parsed.errors.map((e) => e.message).join('; ')}` });
        continue;
      }
      const body: Any = parsed.toJS();
      const kind = typeof body?.kind === 'string' ? body.kind : '?';
      const name = typeof body?.metadata?.name === 'string' ? body.metadata.name : '?';
      docs.push({ file, kind, name, body });
    }
  }
  const problem = (d: Pick<Doc, 'file' | 'kind' | 'name'>, message: string) => problems.push({ file: d.file, kind: d.kind, name: d.name, message });

  const resources: Doc[] = [];
  for (const d of docs) {
    if (d.kind === 'Kustomization') {
      checkKustomization(d, files, problem);
      continue;
    }
    const schemaErrors = await validateSchema(d.body);
    for (const message of schemaErrors) problem(d, message);
    resources.push(d);
  }
  const seen = new Set<string>();
  for (const d of resources) {
    const key = `${d.body.apiVersion}/${d.kind}/${d.name}`;
    if (seen.has(key)) problem(d, 'defined twice');
    seen.add(key);
  }

  checkProject(resources, problem, options);
  return { documents, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Schemas

type ModelClass = { prototype: { validate(this: unknown): void } };

async function modelClass(apiVersion: unknown, kind: unknown): Promise<ModelClass | undefined> {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  if (!/^(?:[a-z0-9.-]+\/)?v\d+(?:(?:alpha|beta)\d+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = group!.endsWith('keda.sh') ? '@kubernetes-models/keda' : 'kubernetes-models';
  try {
    const mod = (await import(group ? `${pkg}/${group}/${version}/${kind}` : `${pkg}/${version}/${kind}`)) as Record<string, ModelClass | undefined>;
    return mod[kind];
  } catch {
    return undefined;
  }
}

/** Schema errors, and fields the schema does not define (what `kubectl apply` refuses with strict validation). */
async function validateSchema(body: Any): Promise<string[]> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['not a Kubernetes object'];
  const model = await modelClass(body.apiVersion, body.kind);
  if (!model) return [`unknown kind: no schema for apiVersion ${JSON.stringify(body.apiVersion)} kind ${JSON.stringify(body.kind)}`];
  const tracked = trackReads(body);
  const errors: string[] = [];
  try {
    model.prototype.validate.call(tracked.proxy);
  } catch (err) {
    const list = (err as { errors?: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }[] }).errors;
    if (!list) throw err;
    for (const e of list) {
      const allowed = e.keyword === 'enum' ? ` (${JSON.stringify(e.params.allowedValues)})` : '';
      errors.push(`schema: ${e.instancePath || '/'} ${e.message ?? e.keyword}${allowed}`);
    }
  }
  for (const field of tracked.unknownFields()) errors.push(`schema: ${field} is not a field of ${body.kind} (unknown field)`);
  return errors;
}

/**
 * The schemas' compiled validators read every property they define (`data.x !== undefined`) and enumerate
 * the keys of maps (labels, a trigger's metadata). Validating through a Proxy that records this tells the
 * fields no schema read: unknown ones, as a typo would be. An object the validator neither read nor
 * enumerated is free-form (no properties in its schema) and is not judged.
 */
function trackReads(root: object): { proxy: object; unknownFields(): string[] } {
  const reads = new WeakMap<object, { keys: Set<PropertyKey>; enumerated: boolean }>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    let proxy = proxies.get(value);
    if (!proxy) {
      const seen = { keys: new Set<PropertyKey>(), enumerated: false };
      reads.set(value, seen);
      proxy = new Proxy(value, {
        get(target, key, receiver) {
          seen.keys.add(key);
          return wrap(Reflect.get(target, key, receiver));
        },
        has(target, key) {
          seen.keys.add(key);
          return Reflect.has(target, key);
        },
        ownKeys(target) {
          seen.enumerated = true;
          return Reflect.ownKeys(target);
        },
      });
      proxies.set(value, proxy);
    }
    return proxy;
  };
  const unknown = (value: unknown, at: string, out: string[]): void => {
    if (value === null || typeof value !== 'object') return;
    const seen = reads.get(value);
    if (!seen) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => unknown(item, `${at}/${i}`, out));
      return;
    }
    const free = !seen.enumerated && seen.keys.size === 0;
    if (free) return;
    for (const [key, item] of Object.entries(value)) {
      if (!seen.enumerated && !seen.keys.has(key)) out.push(`${at}/${key}`);
      else unknown(item, `${at}/${key}`, out);
    }
  };
  return {
    proxy: wrap(root) as object,
    unknownFields() {
      const out: string[] = [];
      unknown(root, '', out);
      return out;
    },
  };
}

function checkKustomization(d: Doc, files: string[], problem: (d: Doc, message: string) => void): void {
  const listed: string[] = Array.isArray(d.body.resources) ? d.body.resources : [];
  for (const r of listed) if (!files.includes(r)) problem(d, `resources: ${r} is not a file of this directory`);
  for (const f of files) {
    if (f === d.file) continue;
    const example = /\.example\.ya?ml$/.test(f);
    if (example && listed.includes(f)) problem(d, `resources: ${f} is a template with placeholder values; it must not be applied`);
    if (!example && !listed.includes(f)) problem(d, `resources: ${f} is missing (every manifest but *.example.yaml is applied)`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The project's rules

interface Workload {
  doc: Doc;
  pod: Any;
  containers: Any[];
}

function checkProject(docs: Doc[], problem: (d: Pick<Doc, 'file' | 'kind' | 'name'>, message: string) => void, options: K8sOptions): void {
  const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const configMaps = new Map(byKind('ConfigMap').map((d) => [d.name, (d.body.data ?? {}) as Record<string, string>]));
  const secrets = new Map(byKind('Secret').map((d) => [d.name, { ...decoded(d.body.data), ...(d.body.stringData ?? {}) } as Record<string, string>]));
  const commands = composeCommands(options.composeFile ?? path.join(root, 'docker-compose.yml'));
  const models = [...readModelsFile(options.modelsFile ?? path.join(root, 'models.json')).models.keys()];

  // Secrets in the repository are templates.
  for (const d of byKind('Secret')) {
    for (const [key, value] of Object.entries(secrets.get(d.name)!)) {
      if (!String(value).includes(PLACEHOLDER)) problem(d, `${key} is not a placeholder (it must contain ${PLACEHOLDER}): real secrets never go in the repository`);
    }
  }
  for (const d of byKind('ConfigMap')) {
    for (const key of Object.keys(d.body.data ?? {})) if (SECRET_VARS.includes(key)) problem(d, `${key} is a secret: keep it in a Secret, not a ConfigMap`);
  }

  const workloads: Workload[] = docs
    .filter((d) => d.body.spec?.template?.spec && ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(d.kind))
    .map((d) => {
      const pod = d.body.spec.template.spec;
      return { doc: d, pod, containers: [...(pod.initContainers ?? []), ...(pod.containers ?? [])] };
    });
  const workers = new Map<string, { doc: Doc; models: string[]; prefix: string }>();

  for (const { doc, pod, containers } of workloads) {
    if (doc.kind === 'Deployment') {
      const selector: Record<string, string> = doc.body.spec.selector?.matchLabels ?? {};
      const labels: Record<string, string> = doc.body.spec.template.metadata?.labels ?? {};
      for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) problem(doc, `selector ${k}=${v} does not match the pod template's labels`);
    }
    for (const c of containers) {
      const where = `container ${c.name}`;
      // Resources: requests and limits for both, request ≤ limit.
      for (const resource of ['cpu', 'memory'] as const) {
        const request = c.resources?.requests?.[resource];
        const limit = c.resources?.limits?.[resource];
        if (request === undefined) problem(doc, `${where}: no resources.requests.${resource}`);
        if (limit === undefined) problem(doc, `${where}: no resources.limits.${resource}`);
        if (request !== undefined && limit !== undefined && quantity(request) > quantity(limit)) {
          problem(doc, `${where}: resources.requests.${resource} (${request}) is above its limit (${limit})`);
        }
      }
      // Secrets only through secretKeyRef / envFrom secretRef.
      for (const e of c.env ?? []) {
        if (SECRET_VARS.includes(e.name) && !e.valueFrom?.secretKeyRef) problem(doc, `${where}: ${e.name} must come from a Secret (valueFrom.secretKeyRef)`);
        if (typeof e.value === 'string' && /:\/\/[^/@\s]*:[^/@\s]+@/.test(e.value)) problem(doc, `${where}: ${e.name} holds a URL with a password; take it from a Secret`);
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && secrets.has(ref.name) && !(ref.key in secrets.get(ref.name)!)) {
          problem(doc, `${where}: ${e.name} reads key ${ref.key} that the Secret template ${ref.name} does not list`);
        }
      }
      // The image's commands are docker-compose.yml's.
      const app = commands.get(JSON.stringify(c.command ?? null));
      if (!app) {
        problem(doc, `${where}: command ${JSON.stringify(c.command ?? null)} is none of docker-compose.yml's (${[...commands.keys()].join(' | ')})`);
        continue;
      }
      if (doc.kind === 'Deployment') {
        const ports = new Set((c.ports ?? []).map((p: Any) => p.name).filter(Boolean));
        for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
          if (!c[probe]) problem(doc, `${where}: no ${probe}`);
        }
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
          const port = c[probe]?.httpGet?.port;
          if (typeof port === 'string' && !ports.has(port)) problem(doc, `${where}: ${probe} uses port ${port}, which the container does not declare`);
        }
      }
      if (app === 'api' || app === 'worker') {
        const timeoutMs = Number(envValue(c, 'SHUTDOWN_TIMEOUT_MS', configMaps) ?? SHUTDOWN_DEFAULT_MS[app]);
        const preStopS = Number(c.lifecycle?.preStop?.sleep?.seconds ?? 0);
        const grace = pod.terminationGracePeriodSeconds ?? 30;
        if (!(grace > timeoutMs / 1000 + preStopS)) {
          problem(doc, `terminationGracePeriodSeconds (${grace}) must be above the ${app}'s SHUTDOWN_TIMEOUT_MS (${timeoutMs} ms)${preStopS ? ` + its preStop sleep (${preStopS} s)` : ''}`);
        }
      }
      if (app === 'worker' && doc.kind === 'Deployment') {
        const serve = envValue(c, 'SERVE_MODELS', configMaps);
        const names = (serve ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        if (names.length === 0) problem(doc, `${where}: SERVE_MODELS is not set: give each model of models.json a pool of its own`);
        for (const n of names) if (!models.includes(n)) problem(doc, `${where}: SERVE_MODELS names ${n}, which is not a model of models.json (${models.join(', ')})`);
        workers.set(doc.name, { doc, models: names, prefix: envValue(c, 'QUEUE_PREFIX', configMaps) ?? 'bull' });
      }
    }
  }
  for (const m of models) {
    if (![...workers.values()].some((w) => w.models.includes(m))) problems(`model ${m} of models.json has no worker Deployment (SERVE_MODELS=${m})`);
  }
  function problems(message: string): void {
    problem({ file: 'models.json', kind: 'Registry', name: '-' }, message);
  }

  // ScaledObjects: each worker pool has one, on its own queue.
  const triggerAuths = new Set(byKind('TriggerAuthentication').map((d) => d.name));
  const scaledTargets = new Map<string, number>();
  for (const d of byKind('ScaledObject')) {
    const spec = d.body.spec ?? {};
    const ref = spec.scaleTargetRef ?? {};
    const target = (ref.kind ?? 'Deployment') === 'Deployment' ? docs.find((x) => x.kind === 'Deployment' && x.name === ref.name) : undefined;
    if (!target) {
      problem(d, `scaleTargetRef names ${ref.kind ?? 'Deployment'} ${ref.name}, which is not a Deployment of these manifests`);
      continue;
    }
    scaledTargets.set(target.name, (scaledTargets.get(target.name) ?? 0) + 1);
    const min = spec.minReplicaCount ?? 0;
    const max = spec.maxReplicaCount ?? 100;
    if (min < 1) problem(d, `minReplicaCount ${min}: a pool at 0 is never woken (requests for a model with no worker are refused, not queued) and /ready fails`);
    if (min > max) problem(d, `minReplicaCount ${min} is above maxReplicaCount ${max}`);
    const worker = workers.get(target.name);
    if (!worker) {
      problem(d, `targets ${target.name}, which is not a worker pool (no worker command with SERVE_MODELS)`);
      continue;
    }
    for (const t of spec.triggers ?? []) {
      const meta: Record<string, string> = t.metadata ?? {};
      const label = `trigger ${t.name ?? t.type}`;
      if ('password' in meta) problem(d, `${label}: metadata.password in the manifest; take it from a TriggerAuthentication`);
      if (/@/.test(meta.address ?? '') || /:\/\/[^/@\s]*:[^/@\s]+@/.test(meta.serverAddress ?? '')) problem(d, `${label}: an address carries credentials; use a TriggerAuthentication`);
      if (t.authenticationRef && (t.authenticationRef.kind ?? 'TriggerAuthentication') === 'TriggerAuthentication' && !triggerAuths.has(t.authenticationRef.name)) {
        problem(d, `${label}: authenticationRef names TriggerAuthentication ${t.authenticationRef.name}, which these manifests do not define`);
      }
      if (t.type === 'redis') {
        const queues = worker.models.map((m) => `${worker.prefix}:predictions.${m}:`);
        const list = meta.listName ?? '';
        if (!queues.some((q) => list === `${q}wait` || list === `${q}active`)) {
          problem(d, `${label}: listName ${list} is not the wait (or active) list of a queue ${target.name} serves (${queues.map((q) => `${q}wait`).join(', ')})`);
        }
        if (!/^\d+$/.test(meta.listLength ?? '')) problem(d, `${label}: listLength must be a whole number of jobs per replica`);
      }
      if (t.type === 'prometheus') {
        for (const [, queue] of (meta.query ?? '').matchAll(/queue="predictions\.([^"]+)"/g)) {
          if (!worker.models.includes(queue!)) problem(d, `${label}: the query reads queue predictions.${queue}, which ${target.name} does not serve`);
        }
      }
    }
  }
  for (const [name, w] of workers) {
    const n = scaledTargets.get(name) ?? 0;
    if (n !== 1) problem(w.doc, n === 0 ? 'no ScaledObject targets this worker pool' : `${n} ScaledObjects target this worker pool (one HPA per Deployment)`);
  }

  // PodDisruptionBudgets: every Deployment has one that can let a pod go.
  const pdbs = byKind('PodDisruptionBudget');
  for (const d of byKind('Deployment')) {
    const labels: Record<string, string> = d.body.spec?.template?.metadata?.labels ?? {};
    const mine = pdbs.filter((p) => {
      const sel: Record<string, string> = p.body.spec?.selector?.matchLabels ?? {};
      return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === v);
    });
    if (mine.length === 0) {
      problem(d, 'no PodDisruptionBudget selects its pods');
      continue;
    }
    const scaled = byKind('ScaledObject').find((s) => s.body.spec?.scaleTargetRef?.name === d.name);
    const fewest = scaled ? (scaled.body.spec.minReplicaCount ?? 0) : (d.body.spec?.replicas ?? 1);
    for (const p of mine) {
      const minAvailable = p.body.spec?.minAvailable;
      if (typeof minAvailable === 'number' && minAvailable >= fewest) {
        problem(p, `minAvailable ${minAvailable} with as few as ${fewest} replica(s) of ${d.name}: no pod can ever be evicted (node drains hang); use maxUnavailable or more replicas`);
      }
    }
  }
}

function decoded(data: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')]));
}

/** A container's variable as the kubelet resolves it: `env` wins over `envFrom`, later envFrom over earlier. */
function envValue(c: Any, name: string, configMaps: Map<string, Record<string, string>>): string | undefined {
  const e = (c.env ?? []).findLast((x: Any) => x.name === name);
  if (e) {
    if (typeof e.value === 'string') return e.value;
    const ref = e.valueFrom?.configMapKeyRef;
    return ref ? configMaps.get(ref.name)?.[ref.key] : undefined;
  }
  let value: string | undefined;
  for (const from of c.envFrom ?? []) {
    const data = from.configMapRef ? configMaps.get(from.configMapRef.name) : undefined;
    const v = data?.[name.slice((from.prefix ?? '').length)];
    if (v !== undefined && name.startsWith(from.prefix ?? '')) value = v;
  }
  return value;
}

/** The commands docker-compose.yml runs the image with, each with the app it starts. */
function composeCommands(file: string): Map<string, App> {
  const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, { build?: unknown; command?: string[] }> };
  const out = new Map<string, App>();
  for (const [name, service] of Object.entries(compose.services)) {
    if (!service.build || !service.command) continue;
    const app: App | undefined = name === 'api' ? 'api' : name === 'migrate' ? 'migrate' : name.startsWith('worker') ? 'worker' : undefined;
    if (app) out.set(JSON.stringify(service.command), app);
  }
  return out;
}

/** A Kubernetes quantity in base units (cores, bytes). */
function quantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/.exec(q.trim());
  if (!m) return Number.NaN;
  const scale: Record<string, number> = { m: 1e-3, k: 1e3, Ki: 1024, M: 1e6, Mi: 1024 ** 2, G: 1e9, Gi: 1024 ** 3, T: 1e12, Ti: 1024 ** 4 };
  return Number(m[1]) * (m[2] ? scale[m[2]]! : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ? path.resolve(process.argv[2]) : K8S_DIR;
  const { documents, problems } = await validateK8s(dir);
  for (const p of problems) console.error(formatProblem(p));
  console.log(`${path.relative(process.cwd(), dir) || '.'}: ${documents} documents, ${problems.length} problem(s)`);
  if (problems.length > 0) process.exitCode = 1;
}
