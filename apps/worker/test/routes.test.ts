import { JobName, MAINTENANCE_QUEUE, PERSIST_QUEUE, PREDICTION_QUEUE } from '@sentiment/queue';
import { describe, expect, it } from 'vitest';
import { checkRoutes, type Route } from '../src/routes.js';

const handler = async () => undefined;

describe('checkRoutes', () => {
  it('accepts one handler per job name', () => {
    expect(() =>
      checkRoutes([
        { queue: PREDICTION_QUEUE, jobName: JobName.classify, processor: handler },
        { queue: PERSIST_QUEUE, jobName: JobName.persist, processor: handler },
        { queue: MAINTENANCE_QUEUE, jobName: JobName.purge, processor: handler },
      ]),
    ).not.toThrow();
  });

  it('refuses to start with a job name handled twice or not at all', () => {
    const routes: Route[] = [
      { queue: PREDICTION_QUEUE, jobName: JobName.classify, processor: handler },
      { queue: 'other', jobName: JobName.classify, processor: handler },
    ];
    expect(() => checkRoutes(routes)).toThrow(/"classify" has 2 handlers[\s\S]*"persist" has 0 handlers/);
  });
});
