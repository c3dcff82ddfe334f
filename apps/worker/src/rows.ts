import type { NewPrediction } from '@sentiment/db/threaded';
import type { PredictionResult, ParkedRow } from '@sentiment/queue';

/** Rows travel through Redis as JSON, so the timestamp becomes an ISO string there. */
export function toQueueRow(row: NewPrediction): ParkedRow {
  return { ...row, timestamp: row.timestamp.toISOString() };
}

export function fromQueueRow(row: ParkedRow): NewPrediction {
  return { ...row, timestamp: new Date(row.timestamp) };
}

/** The part of a stored row the job's caller gets back. */
export function toResult(row: NewPrediction): PredictionResult {
  return {
    id: row.id,
    sentiment: row.sentiment,
    confidence: row.confidence,
    latency_ms: row.latencyMs,
    model_version: row.modelVersion,
    cache_hit: row.cacheHit,
  };
}
