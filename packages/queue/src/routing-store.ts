import type { Redis } from 'ioredis';
import { Routing } from '@sentiment/registry';

/**
 * The deployment's current routing, in Redis (one key), so every API instance follows a change made
 * through any of them. Absent: the registry file's routing applies.
 */
export interface RoutingStore {
  /** The stored routing, or null when none was stored (or it no longer parses). */
  read(): Promise<{ routing: Routing; updatedAt: string } | null>;
  write(routing: Routing): Promise<string>;
  clear(): Promise<void>;
}

export function routingStore(redis: Redis, prefix: string): RoutingStore {
  const key = `${prefix}:routing`;
  return {
    async read() {
      const raw = await redis.get(key);
      if (raw === null) return null;
      try {
        const stored = JSON.parse(raw) as { routing: unknown; updatedAt: string };
        const parsed = Routing.safeParse(stored.routing);
        return parsed.success ? { routing: parsed.data, updatedAt: stored.updatedAt } : null;
      } catch {
        return null;
      }
    },
    async write(routing) {
      const updatedAt = new Date().toISOString();
      await redis.set(key, JSON.stringify({ routing, updatedAt }));
      return updatedAt;
    },
    async clear() {
      await redis.del(key);
    },
  };
}
