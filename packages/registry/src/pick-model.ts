import { createHash } from 'node:crypto';
import { resolveTarget, type Routing } from './routing.js';

/** A point in [0, 1) from a key: the same key always lands on the same point. */
export function stickyPoint(key: string, salt = ''): number {
  return createHash('sha256').update(salt).update('\0').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * The model a request goes to under `routing.split`, drawn by `point` (in [0, 1)): each target owns a
 * slice of [0, 1) proportional to its weight, in the order the split lists them. Changing one weight
 * moves only the callers in the slices that changed, so most keep their version.
 */
export function pickModel(routing: Routing, models: ReadonlySet<string>, point: number): string {
  const targets = Object.entries(routing.split).filter(([, w]) => w > 0);
  const total = targets.reduce((sum, [, w]) => sum + w, 0);
  let edge = 0;
  for (const [target, weight] of targets) {
    edge += weight / total;
    if (point < edge) return resolveTarget(routing, models, target) ?? unroutable(target);
  }
  // Rounding can leave the last edge a hair under 1.
  const [last] = targets[targets.length - 1]!;
  return resolveTarget(routing, models, last) ?? unroutable(last);
}

function unroutable(target: string): never {
  throw new Error(`routing target "${target}" is neither a model nor an alias (routingProblems lets no such routing in)`);
}
