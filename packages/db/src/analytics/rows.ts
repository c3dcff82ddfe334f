import { SENTIMENTS } from '@sentiment/core';
import type { SentimentDistribution } from '@sentiment/contract/analytics';

// Columns every analytics query selects, and how their values become the answers' fields.

// Formatting in SQL keeps microsecond timestamps and the session time zone out of the picture:
// the output matches Date.prototype.toISOString().
export const isoUtc = (expr: string) => `to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Full precision, for cursors: Postgres keeps microseconds, Date only milliseconds. */
export const isoUtcMicros = (expr: string) => `to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

// pg returns bigint/numeric as strings; null stays null.
export const toNumberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** An average from a sum and a count; null without rows. */
export const ratio = (sum: unknown, n: number): number | null => (n > 0 ? Number(sum) / n : null);

/** Sentiment counts of raw rows, as columns n_negative, n_neutral, n_positive. */
export const RAW_COUNTS = SENTIMENTS.map((s) => `count(*) filter (where predicted_sentiment = '${s}') as n_${s}`).join(', ');
/** Sums of such counts (rollup rows, pieces), as the same columns. */
export const SUM_COUNTS = SENTIMENTS.map((s) => `sum(n_${s}) as n_${s}`).join(', ');
/** The count columns' names, n_negative, n_neutral, n_positive (SENTIMENTS order). */
export const COUNT_COLUMNS = SENTIMENTS.map((s) => `n_${s}`).join(', ');
/** The n_<sentiment> columns of a row; zeros for missing ones. */
export const countsOf = (row: Record<string, unknown>) => Object.fromEntries(SENTIMENTS.map((s) => [s, Number(row[`n_${s}`] ?? 0)])) as SentimentDistribution;
/** Counts listed in SENTIMENTS order (COUNT_COLUMNS as an array); zeros for missing ones. */
export const countsInOrder = (values: readonly number[]) => Object.fromEntries(SENTIMENTS.map((s, i) => [s, values[i] ?? 0])) as SentimentDistribution;
