// What db, model, queue, the HTTP contract and the API all speak of, defined once. A leaf: it imports
// nothing (.dependency-cruiser.cjs keeps it so), so every package may depend on it.
export { SENTIMENTS, type Sentiment } from './sentiments.js';
export { BUCKET_MS, TIMESERIES_BUCKETS, type TimeBucket, type TimeseriesBucket } from './time-buckets.js';
export { jobIdTime } from './job-ids.js';
