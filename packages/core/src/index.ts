// What db, model, queue, the HTTP contract and the API all speak of, defined once, and the one OS helper
// both the inference and the writer threads use. A leaf: it imports nothing but Node built-ins
// (.dependency-cruiser.cjs keeps it so), so every package may depend on it.
export { SENTIMENTS, type Sentiment } from './sentiments.js';
export { BUCKET_MS, TIMESERIES_BUCKETS, type TimeBucket, type TimeseriesBucket } from './time-buckets.js';
export { jobIdTime } from './job-ids.js';
export { lowerThreadPriority } from './thread-priority.js';
