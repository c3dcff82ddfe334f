import { randomInt } from 'node:crypto';
import type { ModelInfo, ModelCatalog } from '@sentiment/contract';
import { retiredModels, routingStore, servedVersions, type ServedVersion } from '@sentiment/queue';
import { FULL_VERSION, pickModel, resolveTarget, Routing, routingProblems, stickyPoint, type Registry } from '@sentiment/registry';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createRedisGuard, type RedisGuard } from '../jobs/redis-guard.js';
import { ValidationError } from '../validation.js';
import { ModelUnavailableError, UnknownModelError } from './model-errors.js';

/** How often an instance re-reads the routing and the served versions: a change reaches every instance within this. */
export const ROUTING_REFRESH_MS = 1000;

/** Who is asking, for sticky routing. */
export interface Caller {
  /** Their credentials (or address): `sticky: client` keeps one caller on one version. */
  client: string;
  texts: readonly string[];
}

export interface ModelChoice {
  model: string;
  /** Also answered by this model, for comparison only. */
  shadow?: string;
  /** `pinned`: the request named a model; `split`: the routing chose. */
  how: 'pinned' | 'split';
}

export interface ModelRouter {
  /** The model for a request (throws UnknownModelError 400, ModelUnavailableError 503). Synchronous: no Redis call per request. */
  choose(requested: string | undefined, caller: Caller): ModelChoice;
  /** GET /models */
  list(): ModelCatalog;
  /** Validates, stores (every instance follows within ROUTING_REFRESH_MS) and applies a routing. */
  setRouting(input: unknown): Promise<ModelCatalog>;
  /** Back to the registry file's routing. */
  resetRouting(): Promise<ModelCatalog>;
  /** Reads Redis once now (startup, tests). */
  refresh(): Promise<void>;
  close(): void;
}

export interface ModelRouterOptions {
  registry: Registry;
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Told of every choice (metrics). */
  onChoice?: (choice: ModelChoice) => void;
  /** Told when the routing in effect changes (metrics). */
  onRouting?: (routing: Routing) => void;
  /** Turns Redis failures of PUT/DELETE /admin/routing into 503s. Default: a guard of `redis`. */
  guarded?: RedisGuard;
}

/** Splits weights into shares of 1 by target model. */
function sharesByModel(routing: Routing, models: ReadonlySet<string>): Map<string, number> {
  const total = Object.values(routing.split).reduce((a, b) => a + b, 0);
  const shares = new Map<string, number>();
  for (const [target, weight] of Object.entries(routing.split)) {
    const model = resolveTarget(routing, models, target);
    if (model) shares.set(model, (shares.get(model) ?? 0) + weight / total);
  }
  return shares;
}

export function createModelRouter({ registry, redis, prefix, logger, onChoice, onRouting, guarded = createRedisGuard(redis, () => undefined) }: ModelRouterOptions): ModelRouter {
  const names = new Set(registry.models.keys());
  const store = routingStore(redis, prefix);
  let routing = registry.routing;
  let updatedAt: string | null = null;
  /** Versions with live workers per model; undefined until read once (then an empty list means: nobody serves it). */
  let served: Map<string, ServedVersion[]> | undefined;
  /** Models being retired (npm run models:retire): no new jobs. */
  let retired = new Set<string>();

  const apply = (next: Routing, at: string | null) => {
    const changed = JSON.stringify(next) !== JSON.stringify(routing);
    routing = next;
    updatedAt = at;
    if (changed) {
      logger.info({ routing, updatedAt }, 'model routing changed');
      onRouting?.(routing);
    }
  };
  onRouting?.(routing);

  /** Bumped by every local change: a refresh that read Redis before it must not undo it. */
  let generation = 0;
  async function refresh(): Promise<void> {
    const started = generation;
    const [stored, versions, retiring] = await Promise.all([store.read(), servedVersions(redis, prefix, [...names]), retiredModels(redis, prefix)]);
    served = versions;
    retired = retiring;
    if (generation !== started) return;
    // A stored routing naming models this instance's registry lacks is not applied (a registry mismatch between instances).
    if (stored && routingProblems(stored.routing, names).length === 0) apply(stored.routing, stored.updatedAt);
    else if (!stored) apply(registry.routing, null);
    else logger.warn({ problems: routingProblems(stored.routing, names) }, 'stored routing does not fit this registry; keeping the current one');
  }
  let failing = false;
  const refreshNow = () =>
    refresh().then(
      () => (failing = false),
      (err: unknown) => {
        if (!failing) logger.debug({ err }, 'could not refresh model routing; keeping the last one');
        failing = true;
      },
    );
  void refreshNow();
  const timer = setInterval(() => void refreshNow(), ROUTING_REFRESH_MS);
  timer.unref();

  const known = () => ({ models: [...names], aliases: Object.keys(routing.aliases) });
  /** Throws 503 when the last read of the served versions found no worker for `model`. */
  const mustBeServed = (model: string) => {
    if (served && (served.get(model)?.length ?? 0) === 0) throw new ModelUnavailableError(model, 'no worker serves it');
  };
  /** Throws 503 for a model being retired: its queue only drains. */
  const mustNotBeRetired = (model: string) => {
    if (retired.has(model)) throw new ModelUnavailableError(model, 'it is being retired (its queued jobs finish; it takes no new ones)');
  };

  function pinned(requested: string): string {
    if (FULL_VERSION.test(requested)) {
      for (const [model, versions] of served ?? []) {
        if (versions.some((v) => v.version === requested)) {
          mustNotBeRetired(model);
          return model;
        }
      }
      const name = requested.slice(0, requested.indexOf('+'));
      if (names.has(name)) throw new ModelUnavailableError(name, `no worker serves version ${requested}`);
      throw new UnknownModelError(requested, known());
    }
    const model = resolveTarget(routing, names, requested);
    if (model === undefined) throw new UnknownModelError(requested, known());
    mustNotBeRetired(model);
    mustBeServed(model);
    return model;
  }

  function point(caller: Caller): number {
    if (routing.sticky === 'client') return stickyPoint(caller.client, 'split');
    if (routing.sticky === 'text') return stickyPoint(caller.texts.join('\u0000'), 'split');
    return randomInt(2 ** 32) / 2 ** 32;
  }

  function shadowFor(model: string): string | undefined {
    const shadow = routing.shadow;
    if (!shadow || shadow.rate <= 0 || Math.random() >= shadow.rate) return undefined;
    const target = resolveTarget(routing, names, shadow.model);
    if (target === undefined || target === model || retired.has(target)) return undefined;
    // No worker for the shadow: skip it rather than pile up jobs nobody runs.
    if (served && (served.get(target)?.length ?? 0) === 0) return undefined;
    return target;
  }

  function list(): ModelCatalog {
    const shares = sharesByModel(routing, names);
    const shadowModel = routing.shadow ? resolveTarget(routing, names, routing.shadow.model) : undefined;
    const models: ModelInfo[] = [...registry.models].map(([name, entry]) => ({
      name,
      aliases: Object.entries(routing.aliases).filter(([, m]) => m === name).map(([a]) => a),
      ...(entry.description && { description: entry.description }),
      source: 'shipped' in entry.source ? 'shipped' : 'dir' in entry.source ? 'dir' : 'hub',
      versions: served?.get(name) ?? [],
      traffic_share: shares.get(name) ?? 0,
      shadow_rate: shadowModel === name ? routing.shadow!.rate : 0,
      retired: retired.has(name),
    }));
    return { models, routing, routing_updated_at: updatedAt };
  }

  return {
    choose(requested, caller) {
      const choice: ModelChoice =
        requested !== undefined
          ? { model: pinned(requested), how: 'pinned' }
          : (() => {
              const model = pickModel(routing, names, point(caller));
              mustNotBeRetired(model);
              const shadow = shadowFor(model);
              return { model, how: 'split' as const, ...(shadow && { shadow }) };
            })();
      onChoice?.(choice);
      return choice;
    },
    list,
    async setRouting(input) {
      const parsed = Routing.safeParse(input);
      const problems = parsed.success
        ? routingProblems(parsed.data, names).map((message) => ({ path: [], code: 'custom', message }))
        : parsed.error.issues.map((i) => ({ path: i.path.filter((p) => typeof p !== 'symbol'), code: i.code, message: i.message }));
      if (!parsed.success || problems.length > 0) throw new ValidationError('invalid routing', problems);
      const at = await guarded(() => store.write(parsed.data));
      generation++;
      apply(parsed.data, at);
      return list();
    },
    async resetRouting() {
      await guarded(() => store.clear());
      generation++;
      apply(registry.routing, null);
      return list();
    },
    refresh,
    close: () => clearInterval(timer),
  };
}
