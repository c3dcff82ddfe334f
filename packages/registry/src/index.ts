// The model registry: which model versions a deployment serves (models.json), under which aliases, and
// how traffic is split between them. Read by the API (routing) and the workers (what to load).
export * from './names.js';
export * from './models-file.js';
export * from './routing.js';
export * from './pick-model.js';
export * from './registry-env.js';
