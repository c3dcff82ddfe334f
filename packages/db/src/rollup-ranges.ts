import { GRAIN_WIDTH, GRAINS, type Grain } from './prediction-rollup.entity.js';

/** Where a piece of a time range is read from: the raw rows, or one rollup grain. */
export type Source = 'raw' | Grain;

/** A part of [from, to) read from one source; an absent bound is open. Rollup pieces are aligned to their grain. */
export interface Piece {
  source: Source;
  from?: Date;
  to?: Date;
}

const LEVELS: readonly Source[] = ['raw', ...GRAINS];

/** `t` rounded down to its grain's bucket (UTC has no DST, and the epoch is on every grain's boundary). */
export const floorTo = (t: number, grain: Grain) => Math.floor(t / GRAIN_WIDTH[grain].ms) * GRAIN_WIDTH[grain].ms;
const ceilTo = (t: number, grain: Grain) => Math.ceil(t / GRAIN_WIDTH[grain].ms) * GRAIN_WIDTH[grain].ms;

/**
 * Splits [from, to) into the fewest rows to read: whole days from the day rollup, whole hours at the
 * edges from the hour rollup, then whole ten minutes, whole minutes, and the partial minutes at either
 * end from the raw rows. `coarsest` caps the grain (a timeseries by hour cannot use whole days).
 * Pieces are disjoint and cover the range exactly, so sums over them are exact.
 */
export function splitRange(from: Date | undefined, to: Date | undefined, coarsest: Grain = 'day'): Piece[] {
  const top = LEVELS.indexOf(coarsest);
  const piece = (level: number, lo?: number, hi?: number): Piece => ({
    source: LEVELS[level]!,
    from: lo === undefined ? undefined : new Date(lo),
    to: hi === undefined ? undefined : new Date(hi),
  });
  const cover = (level: number, lo?: number, hi?: number): Piece[] => {
    if (lo !== undefined && hi !== undefined && lo >= hi) return [];
    if (level === top) return [piece(level, lo, hi)];
    const next = LEVELS[level + 1] as Grain;
    const innerLo = lo === undefined ? undefined : ceilTo(lo, next);
    const innerHi = hi === undefined ? undefined : floorTo(hi, next);
    // No whole coarser bucket inside: this level reads all of it.
    if (innerLo !== undefined && innerHi !== undefined && innerLo >= innerHi) return [piece(level, lo, hi)];
    return [
      ...(lo !== undefined && innerLo! > lo ? [piece(level, lo, innerLo)] : []),
      ...cover(level + 1, innerLo, innerHi),
      ...(hi !== undefined && innerHi! < hi ? [piece(level, innerHi, hi)] : []),
    ];
  };
  return cover(0, from?.getTime(), to?.getTime());
}
