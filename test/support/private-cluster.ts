// A private Redis Cluster: three primaries (no replicas) on free ports, each redis-server in its own
// folder, joined with `redis-cli --cluster create`. Tests and scripts run the pipeline against it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';
import { waitFor } from './processes.js';

export interface PrivateCluster {
  /** `host:port` of every primary. */
  nodes: string[];
  stop(): Promise<void>;
}

export async function startPrivateCluster(primaries = 3): Promise<PrivateCluster> {
  const servers: PrivateRedis[] = [];
  try {
    for (let i = 0; i < primaries; i++) servers.push(await startPrivateRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000']));
    const nodes = servers.map((s) => `127.0.0.1:${s.port}`);
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    // Every node must know every slot's owner before clients may rely on redirects.
    for (const s of servers) {
      const probe = new Redis(s.url, { maxRetriesPerRequest: 0 });
      try {
        await waitFor(`cluster state ok on ${s.port}`, async () => /cluster_state:ok/.test(String(await probe.call('CLUSTER', 'INFO'))), { timeoutMs: 20_000, intervalMs: 100 });
      } finally {
        probe.disconnect();
      }
    }
    return { nodes, stop: async () => void (await Promise.all(servers.map((s) => s.stop()))) };
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
}
