// npm run models:retire -- <model> [--timeout-s 600] [--undo]
// Takes a model out of service without losing a job: the API stops sending it new jobs (pinned requests
// answer 503 model_unavailable), its workers finish every job already queued for it, and this command
// says when its queue is empty, so its workers can be stopped (e.g. `docker compose up --scale worker-v1=0`).
// Jobs still queued after --timeout-s (its workers are gone, or too slow) fail with a clear reason
// instead of waiting for ever. Traffic must be off the model first (PUT /admin/routing): it refuses
// while an alias, the split or the shadow still points at it. `--undo` puts it back in service.
import { parseArgs } from 'node:util';
import { createRedisConnection, predictionQueueName, retiredModels, routingStore, setRetired } from '@sentiment/queue';
import { registryFromEnv, RegistryEnv, resolveTarget, type Routing } from '@sentiment/registry';
import { readEnv, RedisEnv, redisSentinelProblems, redisSettings, setVariables } from '@sentiment/settings';
import { Queue, UnrecoverableError, Worker } from 'bullmq';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'timeout-s': { type: 'string', default: '600' }, undo: { type: 'boolean', default: false } } });
const fail = (message: string, code = 2): never => {
  console.error(message);
  process.exit(code);
};
const model = positionals[0] ?? fail('usage: npm run models:retire -- <model> [--timeout-s 600] [--undo]');
const timeoutMs = Number(values['timeout-s']) * 1000;
if (!Number.isFinite(timeoutMs) || timeoutMs < 0) fail('--timeout-s must be a number of seconds');

const problems: string[] = redisSentinelProblems(process.env);
const registry = registryFromEnv(RegistryEnv.parse(setVariables(process.env)), problems);
const env = readEnv(RedisEnv, process.env, 'models:retire', problems);
if (!registry) fail(problems.join('\n'));
const names = new Set(registry!.models.keys());
if (!names.has(model)) fail(`no model "${model}" in the registry (${registry!.origin}): ${[...names].join(', ')}`);

const target = redisSettings(env);
const redis = createRedisConnection(target, { maxRetriesPerRequest: 1 });
const prefix = env.QUEUE_PREFIX;
const queueName = predictionQueueName(model);
const queue = new Queue(queueName, { connection: redis, prefix });
const PENDING = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children'] as const;
const pending = async () => Object.values(await queue.getJobCounts(...PENDING)).reduce((a, b) => a + b, 0);

/** Where the routing in effect still sends traffic to `model`. */
function stillRouted(routing: Routing): string[] {
  const found: string[] = [];
  for (const [alias, target] of Object.entries(routing.aliases)) if (target === model) found.push(`alias "${alias}"`);
  for (const [target, weight] of Object.entries(routing.split)) if (weight > 0 && resolveTarget(routing, names, target) === model) found.push(`split "${target}": ${weight}`);
  if (routing.shadow && routing.shadow.rate > 0 && resolveTarget(routing, names, routing.shadow.model) === model) found.push('shadow');
  return found;
}

try {
  if (values.undo) {
    await setRetired(redis, prefix, model, false);
    console.log(`${model}: back in service (its workers take new jobs again)`);
  } else {
    const routing = (await routingStore(redis, prefix).read())?.routing ?? registry!.routing;
    const routed = stillRouted(routing);
    if (routed.length > 0) fail(`${model} still gets traffic (${routed.join(', ')}): move it off with PUT /admin/routing first`, 1);
    await setRetired(redis, prefix, model, true);
    console.log(`${model}: retired; the API sends it no new jobs. Waiting for its queue (${prefix}:${queueName}) to empty…`);
    const deadline = Date.now() + timeoutMs;
    let left = await pending();
    while (left > 0 && Date.now() < deadline) {
      console.log(`${model}: ${left} job(s) still queued or running`);
      await new Promise((r) => setTimeout(r, 1000));
      left = await pending();
    }
    if (left > 0) {
      // The jobs that cannot finish fail through BullMQ, so callers polling them see why.
      const reason = `model "${model}" was retired before this job ran; submit it again (another model will answer)`;
      await queue.promoteJobs();
      const closerRedis = createRedisConnection(target, { maxRetriesPerRequest: null });
      const closer = new Worker(queueName, async () => { throw new UnrecoverableError(reason); }, { connection: closerRedis, prefix, concurrency: 50 });
      let failed = 0;
      closer.on('failed', () => failed++);
      const waiting = async () => Object.values(await queue.getJobCounts('waiting', 'prioritized', 'delayed')).reduce((x, y) => x + y, 0);
      while ((await waiting()) > 0) await new Promise((r) => setTimeout(r, 200));
      await closer.close();
      closerRedis.disconnect();
      console.log(`${model}: timed out after ${values['timeout-s']} s; ${failed} job(s) failed with: ${reason}`);
    }
    const still = await retiredModels(redis, prefix);
    console.log(`${model}: queue empty${still.has(model) ? '' : ' (but it was put back in service meanwhile)'}; stop its workers now`);
  }
} finally {
  await queue.close();
  redis.disconnect();
}
