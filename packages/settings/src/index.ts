// The settings several programs read (the apps, the MikroORM CLI config, scripts, benchmarks): read
// and reported one way. Each program still validates its own variables once, in its own config module.
export { ConfigError, readEnv, setVariables, shownValue } from './read-env.js';
export { DEFAULT_REDIS_URL, DEFAULT_SENTINEL_PORT, RedisEnv, redisSentinelProblems, redisSettings, type RedisSettings, type SentinelAddress } from './redis.js';
export { heapEnv, limitHeapGrowth } from './heap.js';
