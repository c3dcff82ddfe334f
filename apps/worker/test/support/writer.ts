import type { NewPrediction, PredictionWriter } from '@sentiment/db';

/** Wraps the REAL writer to count its calls; every call still goes to Postgres. */
export function countCalls(writer: PredictionWriter): { writer: PredictionWriter; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    writer: {
      insertMany(rows: readonly NewPrediction[]) {
        calls.push(rows.length);
        return writer.insertMany(rows);
      },
    },
  };
}
