import { JobName, predictionQueueName, shadowJobId, shadowJobOptions, type PredictionResult, type ShadowJobData } from '@sentiment/queue';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface ShadowQueues {
  /**
   * Queues the shadow run of a served job on `model`'s queue, under an id derived from the job's (a
   * retried job queues it once). Never throws: the caller already has its answer, and a comparison
   * that cannot be queued is only logged.
   */
  enqueue(servingJobId: string, model: string, texts: string[], serving: PredictionResult[]): Promise<void>;
  close(): Promise<void>;
}

/** Producers for other models' queues, made on first use. */
export function createShadowQueues(connection: Redis, prefix: string, logger: Logger): ShadowQueues {
  const queues = new Map<string, Queue<ShadowJobData>>();
  const queueOf = (model: string) => {
    let queue = queues.get(model);
    if (!queue) {
      queue = new Queue<ShadowJobData>(predictionQueueName(model), { connection, prefix });
      queue.on('error', (err) => logger.debug({ err, queue: queue!.name }, 'queue error'));
      queues.set(model, queue);
    }
    return queue;
  };
  return {
    async enqueue(servingJobId, model, texts, serving) {
      const data: ShadowJobData = {
        model,
        servingJobId,
        texts,
        serving: serving.map((p) => ({ sentiment: p.sentiment, confidence: p.confidence, latency_ms: p.latency_ms, model_version: p.model_version })),
      };
      try {
        await queueOf(model).add(JobName.shadow, data, { ...shadowJobOptions(), jobId: shadowJobId(servingJobId) });
      } catch (err) {
        logger.warn({ err, jobId: servingJobId, shadow: model }, 'could not queue a shadow run; this job is not compared');
      }
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
