import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODELS_FILE, pickModel, readModelsFile, registryFromEnv, RegistryError, Routing, stickyPoint } from '../src/index.js';

const MODELS = new Set(['model-a', 'model-b', 'model-c']);
const writeRegistry = (content: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'registry-')), 'models.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
};
const file = (routing: unknown) => ({
  models: { 'model-a': { source: { shipped: 'sentiment-multi-v2' } }, 'model-b': { source: { dir: 'local/model-b' }, threads: 1 } },
  routing,
});

describe('models.json', () => {
  it('the shipped one serves both shipped models, v2 as stable', () => {
    const registry = readModelsFile(DEFAULT_MODELS_FILE);
    expect([...registry.models.keys()]).toEqual(['sentiment-multi-v2', 'sentiment-sst2-v1']);
    expect(registry.routing.aliases.stable).toBe('sentiment-multi-v2');
    expect(pickModel(registry.routing, new Set(registry.models.keys()), 0.5)).toBe('sentiment-multi-v2');
  });

  it('reads dir sources relative to the file, and defaults stickiness and shadow', () => {
    const path = writeRegistry(file({ aliases: { stable: 'model-a' }, split: { stable: 1 } }));
    const registry = readModelsFile(path);
    expect(registry.models.get('model-b')).toEqual({ source: { dir: join(path, '..', 'local/model-b') }, threads: 1 });
    expect(registry.routing).toEqual({ aliases: { stable: 'model-a' }, split: { stable: 1 }, sticky: 'client', shadow: null });
  });

  it.each([
    ['an alias pointing nowhere', { aliases: { stable: 'model-z' }, split: { stable: 1 } }, /aliases.stable: no model "model-z"/],
    ['an alias with a model name', { aliases: { 'model-b': 'model-a' }, split: { 'model-a': 1 } }, /an alias cannot have a model's name/],
    ['a split target that is neither', { aliases: {}, split: { canary: 1 } }, /split.canary: neither a model nor an alias/],
    ['no weight above 0', { aliases: {}, split: { 'model-a': 0 } }, /at least one weight/],
    ['a shadow of nothing', { split: { 'model-a': 1 }, shadow: { model: 'ghost', rate: 0.1 } }, /shadow.model: "ghost"/],
    ['a shadow rate above 1', { split: { 'model-a': 1 }, shadow: { model: 'model-b', rate: 2 } }, /shadow/],
  ])('refuses %s, naming the problem', (_what, routing, message) => {
    expect(() => readModelsFile(writeRegistry(file(routing)))).toThrow(message);
  });

  it('refuses unknown keys, bad names and a missing file', () => {
    expect(() => readModelsFile(writeRegistry({ ...file({ split: { 'model-a': 1 } }), extra: true }))).toThrow(RegistryError);
    expect(() => readModelsFile(writeRegistry({ models: { 'Bad Name': { source: { shipped: 'x' } } }, routing: { split: { x: 1 } } }))).toThrow(/models.Bad Name/);
    expect(() => readModelsFile('/no/such/models.json')).toThrow(/cannot read it \(ENOENT\)/);
  });
});

describe('registryFromEnv', () => {
  it('MODEL_DIR or MODEL_ID serve one model, named after it, as stable', () => {
    const problems: string[] = [];
    const dir = registryFromEnv({ MODEL_DIR: '/models/My_Model/' }, problems)!;
    expect([...dir.models.keys()]).toEqual(['my_model']);
    expect(dir.routing.aliases).toEqual({ stable: 'my_model' });
    const hub = registryFromEnv({ MODEL_ID: 'Xenova/distilbert-base-uncased-finetuned-sst-2-english', MODEL_CACHE_DIR: '/cache' }, problems)!;
    expect([...hub.models]).toEqual([['distilbert-base-uncased-finetuned-sst-2', { source: { hub: 'Xenova/distilbert-base-uncased-finetuned-sst-2-english', cacheDir: '/cache' } }]]);
    expect(problems).toEqual([]);
  });

  it('reports conflicting settings and a bad file as problems, not crashes', () => {
    const problems: string[] = [];
    expect(registryFromEnv({ MODEL_DIR: '/m', MODELS_FILE: '/f.json' }, problems)).toBeUndefined();
    expect(registryFromEnv({ MODELS_FILE: '/no/such.json' }, problems)).toBeUndefined();
    expect(problems).toEqual([expect.stringMatching(/MODELS_FILE, MODEL_DIR: set one/), expect.stringMatching(/MODELS_FILE: .*ENOENT/)]);
  });
});

describe('pickModel', () => {
  const routing = Routing.parse({ aliases: { stable: 'model-a', candidate: 'model-b' }, split: { stable: 90, candidate: 10 } });
  const keys = Array.from({ length: 20_000 }, (_, i) => `client-${i}`);
  const share = (r: Routing, model: string) => keys.filter((k) => pickModel(r, MODELS, stickyPoint(k, 'split')) === model).length / keys.length;

  it('splits sticky keys in proportion to the weights (20,000 keys, within 1.5 points)', () => {
    expect(share(routing, 'model-a')).toBeCloseTo(0.9, 1);
    expect(Math.abs(share(routing, 'model-b') - 0.1)).toBeLessThan(0.015);
    const three = Routing.parse({ split: { 'model-a': 1, 'model-b': 1, 'model-c': 2 } });
    for (const [m, expected] of [['model-a', 0.25], ['model-b', 0.25], ['model-c', 0.5]] as const) {
      expect(Math.abs(share(three, m) - expected)).toBeLessThan(0.015);
    }
  });

  it('keeps a key on its model, and a weight change moves only the keys of the slice that changed', () => {
    const before = keys.map((k) => pickModel(routing, MODELS, stickyPoint(k, 'split')));
    expect(keys.map((k) => pickModel(routing, MODELS, stickyPoint(k, 'split')))).toEqual(before);
    const wider = Routing.parse({ ...routing, split: { stable: 80, candidate: 20 } });
    const after = keys.map((k) => pickModel(wider, MODELS, stickyPoint(k, 'split')));
    const moved = keys.filter((_, i) => before[i] !== after[i]);
    // Only stable callers move, to the candidate; about a tenth of them.
    for (let i = 0; i < keys.length; i++) if (before[i] !== after[i]) expect([before[i], after[i]]).toEqual(['model-a', 'model-b']);
    expect(Math.abs(moved.length / keys.length - 0.1)).toBeLessThan(0.015);
  });

  it('follows an alias: moving stable moves every caller of it', () => {
    const rolled = Routing.parse({ ...routing, aliases: { stable: 'model-c', candidate: 'model-b' } });
    expect(share(rolled, 'model-c')).toBeCloseTo(share(routing, 'model-a'), 10);
    expect(share(rolled, 'model-a')).toBe(0);
  });
});
