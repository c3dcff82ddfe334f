/**
 * Prediction job ids are UUIDv7 (RFC 9562; `newJobId` in @sentiment/queue): the first 48 bits are the
 * creation time in Unix milliseconds. The writers use it to look for a retried job's stored rows only
 * in the days since the job was created (the table is partitioned by day).
 */
const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** When a UUIDv7 job id was made (ms since the epoch); undefined for any other id. */
export function jobIdTime(jobId: string): number | undefined {
  if (!V7.test(jobId)) return undefined;
  return Number.parseInt(jobId.slice(0, 8) + jobId.slice(9, 13), 16);
}
