// A typed client of the sentiment API, built on the contract's schemas (@sentiment/contract).
export { createClient, type Client, type ClientOptions, type CallOptions, type PostOptions, type SubmitOptions, type Submitted } from './client.js';
export type { AnalyticsOptions, RecentQuery, RecentPage, TimeseriesQuery } from './analytics.js';
export type { WaitOptions, CompletedJob } from './wait.js';
export type { RetryOptions } from './retry.js';
export { ApiError, InvalidResponseError, JobFailedError, NetworkError, SentimentClientError } from './errors.js';
export { nextCursor } from './link-header.js';
export {
  MAX_BATCH_TEXTS,
  MAX_JOB_TEXTS,
  MAX_TEXT_CHARS,
  type AnalyticsSummary,
  type BatchResponse,
  type ErrorBody,
  type LatencyStats,
  type ModelStats,
  type RecentPrediction,
  type SentimentDistribution,
  type Timeseries,
  type JobProgress,
  type JobState,
  type JobStatus,
  type JobsAccepted,
  type Prediction,
  type Sentiment,
} from '@sentiment/contract';
