import type { Redis } from 'ioredis';

/**
 * Which workers serve which model version right now. A worker announces each model it loaded every
 * few seconds with an expiry (a sorted set per model, member `<version>|<worker>`, score = expiry in
 * epoch ms) and withdraws on shutdown; a crashed worker drops out when its entry expires. The API reads
 * it for GET /models, for pinning by full `model_version`, and to refuse models nobody serves (503).
 */
export const PRESENCE_TTL_MS = 15_000;
export const PRESENCE_EVERY_MS = 5_000;

const presenceKey = (prefix: string, model: string) => `${prefix}:model-workers:${model}`;
const member = (version: string, worker: string) => `${version}|${worker}`;

export interface ServedVersion {
  version: string;
  workers: number;
}

export async function announceModel(redis: Redis, prefix: string, model: string, version: string, worker: string, now = Date.now()): Promise<void> {
  const key = presenceKey(prefix, model);
  await redis
    .multi()
    .zadd(key, now + PRESENCE_TTL_MS, member(version, worker))
    .zremrangebyscore(key, '-inf', now)
    .pexpire(key, PRESENCE_TTL_MS * 4)
    .exec();
}

export async function withdrawModel(redis: Redis, prefix: string, model: string, version: string, worker: string): Promise<void> {
  await redis.zrem(presenceKey(prefix, model), member(version, worker));
}

/** The versions of each model with live workers (one pipeline, one round trip). */
export async function servedVersions(redis: Redis, prefix: string, models: readonly string[], now = Date.now()): Promise<Map<string, ServedVersion[]>> {
  const pipeline = redis.pipeline();
  for (const model of models) pipeline.zrangebyscore(presenceKey(prefix, model), now, '+inf');
  const replies = (await pipeline.exec()) ?? [];
  const served = new Map<string, ServedVersion[]>();
  models.forEach((model, i) => {
    const [err, members] = replies[i] ?? [null, []];
    if (err) throw err;
    const counts = new Map<string, number>();
    for (const m of members as string[]) {
      const version = m.slice(0, m.indexOf('|'));
      counts.set(version, (counts.get(version) ?? 0) + 1);
    }
    served.set(model, [...counts].map(([version, workers]) => ({ version, workers })));
  });
  return served;
}

/**
 * Models being retired (`npm run models:retire`): the API sends them no new job, while their workers
 * finish what is queued. One set per deployment.
 */
const retiredKey = (prefix: string) => `${prefix}:retired-models`;

export async function setRetired(redis: Redis, prefix: string, model: string, retired: boolean): Promise<void> {
  await (retired ? redis.sadd(retiredKey(prefix), model) : redis.srem(retiredKey(prefix), model));
}

export async function retiredModels(redis: Redis, prefix: string): Promise<Set<string>> {
  return new Set(await redis.smembers(retiredKey(prefix)));
}
