// deploy/k8s passes `npm run lint:k8s` (scripts/validate-k8s.ts), and the validator names what is wrong in
// a broken copy: schema errors, unknown fields and kinds, and the project's own rules.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { formatProblem, K8S_DIR, validateK8s } from '../scripts/validate-k8s.js';

/** Rewrites the document `kind`/`name` of `file` in `dir` (comments are lost; the validator does not read them). */
function edit(dir: string, file: string, kind: string, name: string, change: (doc: any) => void): void {
  const full = path.join(dir, file);
  const docs = parseAllDocuments(readFileSync(full, 'utf8')).map((d) => d.toJS());
  const doc = docs.find((d) => d.kind === kind && d.metadata?.name === name);
  if (!doc) throw new Error(`${file} has no ${kind} ${name}`);
  change(doc);
  writeFileSync(full, docs.map((d) => stringify(d)).join('---\n'));
}

const container = (doc: any, name: string) => doc.spec.template.spec.containers.find((c: any) => c.name === name);
const env = (c: any, name: string) => c.env.find((e: any) => e.name === name);

describe('deploy/k8s', () => {
  it('is valid: every document against its schema, and the project rules', async () => {
    const { documents, problems } = await validateK8s(K8S_DIR);
    expect(problems.map(formatProblem)).toEqual([]);
    // ConfigMap, Secret template, TriggerAuthentication, Job, 3 Deployments, Service, 3 PDBs, 2 ScaledObjects, kustomization
    expect(documents).toBe(14);
  });

  describe('a broken copy', () => {
    let dir: string;
    let found: string[];

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'k8s-'));
      cpSync(K8S_DIR, dir, { recursive: true });
      // A worker Deployment without resource limits.
      edit(dir, 'worker-v1.yaml', 'Deployment', 'sentiment-worker-v1', (d) => delete container(d, 'worker').resources.limits);
      // A ScaledObject pointing at a Deployment that does not exist.
      edit(dir, 'worker-v2.yaml', 'ScaledObject', 'sentiment-worker-v2', (s) => (s.spec.scaleTargetRef.name = 'sentiment-worker-v3'));
      // A field of the wrong type, an unknown field, a secret written in clear, a grace period too short.
      edit(dir, 'api.yaml', 'Deployment', 'sentiment-api', (d) => {
        d.spec.replicas = 'two';
        container(d, 'api').readinessProb = container(d, 'api').readinessProbe;
        delete container(d, 'api').readinessProbe;
        env(container(d, 'api'), 'API_KEYS').value = 'a-key-of-sixteen-chars';
        delete env(container(d, 'api'), 'API_KEYS').valueFrom;
        d.spec.template.spec.terminationGracePeriodSeconds = 10;
      });
      // A PodDisruptionBudget that blocks every eviction of a one-replica pool.
      edit(dir, 'worker-v1.yaml', 'PodDisruptionBudget', 'sentiment-worker-v1', (p) => {
        delete p.spec.maxUnavailable;
        p.spec.minAvailable = 1;
      });
      // A worker pool serving a model models.json does not have (so sentiment-sst2-v1 has none).
      edit(dir, 'worker-v1.yaml', 'Deployment', 'sentiment-worker-v1', (d) => (env(container(d, 'worker'), 'SERVE_MODELS').value = 'sentiment-sst2-v9'));
      // A kind no schema knows, and a file kustomization.yaml does not list.
      writeFileSync(path.join(dir, 'extra.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\n');
      found = (await validateK8s(dir)).problems.map(formatProblem);
    });

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each([
      ['a container without limits', 'worker-v1.yaml: Deployment sentiment-worker-v1: container worker: no resources.limits.memory'],
      ['a ScaledObject on a missing Deployment', 'worker-v2.yaml: ScaledObject sentiment-worker-v2: scaleTargetRef names Deployment sentiment-worker-v3, which is not a Deployment of these manifests'],
      ['the pool it left unscaled', 'worker-v2.yaml: Deployment sentiment-worker-v2: no ScaledObject targets this worker pool'],
      ['a field of the wrong type', 'api.yaml: Deployment sentiment-api: schema: /spec/replicas must be integer'],
      ['an unknown field', 'api.yaml: Deployment sentiment-api: schema: /spec/template/spec/containers/0/readinessProb is not a field of Deployment (unknown field)'],
      ['the probe it lost', 'api.yaml: Deployment sentiment-api: container api: no readinessProbe'],
      ['a secret written in the manifest', 'api.yaml: Deployment sentiment-api: container api: API_KEYS must come from a Secret (valueFrom.secretKeyRef)'],
      ['a grace period not above the shutdown timeout', "api.yaml: Deployment sentiment-api: terminationGracePeriodSeconds (10) must be above the api's SHUTDOWN_TIMEOUT_MS (10000 ms)"],
      ['a PDB no pod can pass', 'worker-v1.yaml: PodDisruptionBudget sentiment-worker-v1: minAvailable 1 with as few as 1 replica(s) of sentiment-worker-v1'],
      ['SERVE_MODELS naming no model', 'worker-v1.yaml: Deployment sentiment-worker-v1: container worker: SERVE_MODELS names sentiment-sst2-v9, which is not a model of models.json'],
      ['a model left without a pool', 'models.json: Registry -: model sentiment-sst2-v1 of models.json has no worker Deployment'],
      ['its ScaledObject on another queue', 'worker-v1.yaml: ScaledObject sentiment-worker-v1: trigger interactive-backlog: listName bull:predictions.sentiment-sst2-v1:wait is not the wait (or active) list of a queue sentiment-worker-v1 serves'],
      ['an unknown kind', 'extra.yaml: Widget gadget: unknown kind: no schema for apiVersion "example.com/v1" kind "Widget"'],
      ['a manifest kustomize would not apply', 'kustomization.yaml: Kustomization ?: resources: extra.yaml is missing'],
    ])('names %s', (_what, message) => {
      expect(found.some((p) => p.startsWith(message)), `${message}\nin:\n${found.join('\n')}`).toBe(true);
    });
  });
});
