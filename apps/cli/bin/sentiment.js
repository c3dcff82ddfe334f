#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, as every other entry point of this repo does.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
