/** A Redis or Postgres connection URL with its password hidden, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}

/**
 * A lost, refused or timed-out Redis connection (ioredis' and Node's wordings), as opposed to an error
 * Redis answered: the first means "unavailable, retry later", the second is a real failure. Some answers
 * mean the same as a lost connection: a demoted primary during a failover (READONLY, also from inside a
 * script), a server still loading its data (LOADING), a replica cut from its primary (MASTERDOWN), a primary
 * without enough replicas for `min-replicas-to-write` (NOREPLICAS).
 */
export function isRedisConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code) ||
    err.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|Command timed out|connect ETIMEDOUT/i.test(err.message) ||
    UNAVAILABLE_REPLY.test(err.message)
  );
}

/** Redis' own "not now" answers (the error code starts the reply; a script's error quotes it). */
const UNAVAILABLE_REPLY = /^(?:READONLY|LOADING|MASTERDOWN|NOREPLICAS) |READONLY You can't write/;
