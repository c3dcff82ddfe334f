import { z } from 'zod';

/**
 * Workers report rows Postgres refused for good (PermanentWriteError) in one Redis hash, a field per
 * worker, so every API instance's /ready can say so. A worker deletes its field on its next successful
 * write; the hash expires on its own if no worker is left to clear it.
 */
export function writeRejectionsKey(prefix: string): string {
  return `${prefix}:health:write-rejections`;
}

/** A report counts as current for this long after its last refusal. */
export const WRITE_REJECTION_TTL_S = 600;

export const WriteRejection = z.object({
  /** Epoch ms of the last refusal. */
  at: z.number(),
  code: z.string(),
  column: z.string().optional(),
  message: z.string(),
});
export type WriteRejection = z.infer<typeof WriteRejection>;
