// What db, model, queue and the HTTP contract all speak of, defined once. A leaf: it imports nothing
// (.dependency-cruiser.cjs keeps it so), so every package may depend on it.
export { SENTIMENTS, type Sentiment } from './sentiments.js';
