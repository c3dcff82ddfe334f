// fault:postgres-outage [--seconds 60] [--via-proxy | --hang] — steady /predict load while Postgres is gone.
// Every request must still be answered 200 with a prediction; the rows of the predictions served
// during the outage reach the table exactly once after it returns; /ready reports Postgres down.
// Default mode stops a private Postgres cluster made for the run (pg_createcluster; the machine's own is
// never touched); --via-proxy cuts this run's TCP proxy in front of the machine's Postgres;
// --hang (npm run fault:postgres-hang) freezes that proxy: sockets stay open and nothing answers.
import { setTimeout as delay } from 'node:timers/promises';
import { TEST_DATABASE_URL } from '../../test/support/stack.js';
import { waitFor } from '../../test/support/processes.js';
import { parseArgs } from './lib/args.js';
import { percentile, sampleText, startLoad, statusHistogram } from './lib/load.js';
import { postgresOutage } from './lib/outage.js';
import { alive, startWatchedStack } from './lib/processes.js';
import { openQueues } from './lib/queues.js';
import { pollReady } from './lib/readiness.js';
import { checks, runScript } from './lib/run.js';

const args = parseArgs();
const OUTAGE_S = args.number('seconds', 60);
const CLIENTS = args.number('clients', 8);
const VIA_PROXY = args.has('via-proxy');
const HANG = args.has('hang');
const WARMUP_S = 10;
const AFTER_S = 15;

await runScript('postgres-outage', (OUTAGE_S + 420) * 1000, async (ctx) => {
  const outage = await postgresOutage(TEST_DATABASE_URL, { viaProxy: VIA_PROXY, hang: HANG });
  ctx.onCleanup(() => outage.dispose());
  ctx.log(`mode ${outage.mode}: ${CLIENTS} clients, Postgres down for ${OUTAGE_S} s`);
  // Both apps reach Postgres only through appUrl; the script's own SQL goes straight to the server.
  const viaOutage = { DATABASE_URL: outage.appUrl, LOG_LEVEL: 'warn' };
  const { stack, alarms } = await startWatchedStack(ctx, 'pgout', { workers: 1, databaseUrl: outage.serverUrl, apiEnv: viaOutage, workerEnv: viaOutage });
  ctx.onCleanup(() => outage.restore());
  const queues = openQueues(stack.prefix, stack.redisUrl);
  ctx.onCleanup(() => queues.close());

  const load = startLoad({
    clients: CLIENTS,
    baseUrl: () => stack.url,
    request: (client, i) => ({ path: '/predict', body: { text: sampleText(`pg c${client}`, i) }, texts: 1 }),
  });
  ctx.onCleanup(() => load.stop());
  const ready = pollReady(stack.url);
  ctx.onCleanup(() => ready.stop());

  await delay(WARMUP_S * 1000);
  const downAt = Date.now();
  await outage.begin();
  ctx.log('Postgres is down');
  await delay(OUTAGE_S * 1000);
  await outage.end();
  const upAt = Date.now();
  ctx.log('Postgres is back');
  await delay(AFTER_S * 1000);
  await load.stop();
  await ready.stop();
  ctx.log(`load stopped: ${load.records.length} requests (${statusHistogram(load.records)})`);

  const parkedBacklog = async () => {
    const c = await queues.counts(queues.persist);
    return c.waiting + c.prioritized + c.active + c.delayed;
  };
  const drainStart = Date.now();
  await waitFor('the persist queue to drain', async () => (await parkedBacklog()) === 0, { timeoutMs: 180_000, intervalMs: 500 });
  ctx.log(`persist queue drained ${((Date.now() - drainStart) / 1000).toFixed(1)} s after the load stopped`);

  const records = load.records;
  const ok = records.filter((r) => r.status === 200 && typeof r.body?.id === 'string' && typeof r.body?.sentiment === 'string');
  const during = ok.filter((r) => r.end >= downAt && r.end <= upAt);
  const stored = async (ids: string[]) => {
    let n = 0;
    for (let i = 0; i < ids.length; i += 5000) {
      const [row] = await stack.sql<{ n: string }>('select count(*) as n from {schema}.predictions where id in (?)', [ids.slice(i, i + 5000)]);
      n += Number(row!.n);
    }
    return n;
  };
  const duringIds = [...new Set(during.map((r) => r.body.id as string))];
  const allIds = [...new Set(ok.map((r) => r.body.id as string))];
  const duringFound = await stored(duringIds);
  const allFound = await stored(allIds);
  const [totals] = await stack.sql<{ n: string; distinct_items: string }>(
    'select count(*) as n, count(distinct (job_id, item_index)) as distinct_items from {schema}.predictions',
  );
  const rows = Number(totals!.n);
  const duplicates = rows - Number(totals!.distinct_items);
  const readyDown = ready.samples.filter((s) => s.t >= downAt && s.t <= upAt && s.checks?.postgres === 'down').length;
  const readyDuring = ready.samples.filter((s) => s.t >= downAt && s.t <= upAt).length;
  const latencies = records.map((r) => r.end - r.start);

  const c = checks();
  c.expect(ok.length === records.length, `${records.length - ok.length} requests not answered 200 with a prediction (${statusHistogram(records)})`);
  c.expect(during.length > 0, 'no prediction was served during the outage');
  c.expect(duringFound === duringIds.length, `${duringIds.length - duringFound} of ${duringIds.length} outage predictions missing from the table`);
  c.expect(allFound === allIds.length, `${allIds.length - allFound} of ${allIds.length} served predictions missing from the table`);
  c.expect(rows === allIds.length, `table has ${rows} rows for ${allIds.length} served predictions`);
  c.expect(duplicates === 0, `${duplicates} duplicate (job_id, item_index)`);
  c.expect(readyDown > 0, `/ready never reported postgres down during the outage (${readyDuring} polls)`);
  c.expect(stack.workers.every(alive) && alive(stack.api), 'a process died');
  c.expect(alarms().length === 0, `alarming output: ${alarms().slice(0, 3).join(' | ')}`);
  return c.verdict(
    `mode ${outage.mode}, outage ${((upAt - downAt) / 1000).toFixed(0)} s: requests ${records.length} (${statusHistogram(records)}), ` +
      `p50/p99 ${percentile(latencies, 50)}/${percentile(latencies, 99)} ms, served during outage ${during.length}, ` +
      `rows found ${duringFound}/${duringIds.length} (all ${allFound}/${allIds.length}, table ${rows}), duplicates ${duplicates}, ` +
      `/ready postgres=down ${readyDown}/${readyDuring} polls during outage`,
  );
});
