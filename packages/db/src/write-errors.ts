/**
 * A write Postgres refused for a reason that retrying cannot fix (a value too long, a missing table or
 * schema, a constraint or type error). The rows are not parked or retried: the job fails with this
 * message and an operator fixes the schema or the data.
 */
export class PermanentWriteError extends Error {
  override readonly name = 'PermanentWriteError';
  /** SQLSTATE, e.g. 22001 (value too long) or 42P01 (missing table); `invalid_row` for rows refused before sending. */
  readonly code: string;
  /** The offending column when known. */
  readonly column: string | undefined;
  readonly table: string | undefined;
  readonly constraint: string | undefined;

  constructor(message: string, fields: { code: string; column?: string; table?: string; constraint?: string; cause?: unknown }) {
    super(message, { cause: fields.cause });
    this.code = fields.code;
    this.column = fields.column;
    this.table = fields.table;
    this.constraint = fields.constraint;
  }
}

/**
 * SQLSTATE classes that mean the statement itself is wrong for this database: data exceptions (22),
 * integrity violations (23), undefined objects, privileges and syntax (42), invalid schema (3F),
 * unsupported features (0A). Connection loss (08), resource limits (53), shutdown and timeouts (57),
 * deadlocks (40) and anything without a code are outages: those rows are parked and retried.
 */
const PERMANENT_CLASSES = new Set(['22', '23', '42', '3F', '0A']);

interface PgErrorFields {
  code?: unknown;
  column?: unknown;
  table?: unknown;
  constraint?: unknown;
  message?: unknown;
}

/** `err` as a PermanentWriteError when Postgres refused the statement for good; otherwise undefined. `what` names the rows in the message. */
export function permanentWriteError(err: unknown, what = 'prediction rows'): PermanentWriteError | undefined {
  if (err instanceof PermanentWriteError) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const pg = err as PgErrorFields;
  if (typeof pg.code !== 'string' || !/^[0-9A-Z]{5}$/.test(pg.code) || !PERMANENT_CLASSES.has(pg.code.slice(0, 2))) return undefined;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const column = text(pg.column);
  // knex prefixes the driver's message with the whole statement (`<sql> - <message>`) and MikroORM appends
  // `\n - detail: Failing row contains (…)`, the row's values (input texts): keep Postgres' words only.
  const raw = String(pg.message).replace(/\n - (detail|hint): [\s\S]*$/, '');
  const reason = raw.includes(' - ') ? raw.slice(raw.lastIndexOf(' - ') + 3) : raw;
  const message = `Postgres refused the ${what} (SQLSTATE ${pg.code}${column ? `, column ${column}` : ''}): ${reason}`;
  return new PermanentWriteError(message, { code: pg.code, column, table: text(pg.table), constraint: text(pg.constraint), cause: err });
}
