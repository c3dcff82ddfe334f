import { JobName, MAINTENANCE_QUEUE, PERSIST_QUEUE, predictionQueueName } from '@sentiment/queue';
import { describe, expect, it } from 'vitest';
import { checkRoutes, type Route } from '../src/routes.js';

const handler = async () => undefined;

describe('checkRoutes', () => {
  const prediction = (model: string): Route => ({ queue: predictionQueueName(model), jobNames: [JobName.classify, JobName.shadow], processor: handler });

  it('accepts every job name handled, on one route per queue (one per served model)', () => {
    expect(() =>
      checkRoutes([
        prediction('model-a'),
        prediction('model-b'),
        { queue: PERSIST_QUEUE, jobNames: [JobName.persist], processor: handler },
        { queue: MAINTENANCE_QUEUE, jobNames: [JobName.purge], processor: handler },
      ]),
    ).not.toThrow();
  });

  it('refuses to start with a job name handled nowhere, or a queue routed twice', () => {
    const routes: Route[] = [prediction('model-a'), prediction('model-a')];
    expect(() => checkRoutes(routes)).toThrow(/"persist" has no handler[\s\S]*"purge-old-predictions" has no handler[\s\S]*"predictions.model-a" has 2 routes/);
  });
});
