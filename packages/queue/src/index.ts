export * from './limits.js';
export * from './contract.js';
export * from './jobs.js';
export * from './connection-url.js';
export * from './replies.js';
export * from './write-rejections.js';
export * from './work-in-progress.js';
export * from './model-presence.js';
