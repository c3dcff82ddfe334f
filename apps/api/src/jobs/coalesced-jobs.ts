import { newJobId, type ClassifyJobData } from '@sentiment/queue';
import { createCoalescer, type Coalescer, type QueueShared } from '../coalescer.js';
import type { JobReplies, PendingReply } from '../job-replies.js';
import type { ClassifyJob, JobSource, SubmitOptions, Submitted } from './prediction-jobs.js';
import type { JobAdder } from './submit.js';

/** Texts one coalesced job may carry: about one micro-batch's worth per inference thread. */
const SHARED_JOB_MAX_TEXTS = 64;

/** A job queued for a group of waiting requests, with each member's reply (expected before the add). */
interface SharedJob {
  job: ClassifyJob;
  replies: PendingReply[];
}

/** Interactive requests that will wait, sharing jobs under load (see coalescer.ts). */
export interface CoalescedJobs {
  submit(texts: string[], source: JobSource, options: SubmitOptions): Promise<Submitted>;
}

export interface CoalescedJobsDeps {
  adder: Pick<JobAdder, 'queueJob' | 'cacheScopeOf'>;
  replies: Pick<JobReplies, 'expect' | 'channel'>;
}

/** What every text of a shared job has in common. */
interface Lane {
  source: JobSource;
  scope: string | undefined;
  model: string;
  shadow: string | undefined;
}

/**
 * One coalescer per source, cache scope, model and shadow: a job's `source` (and priority) stays true,
 * a shared job carries one scope (so only one client's texts), and one model answers it.
 */
export function createCoalescedJobs({ adder, replies }: CoalescedJobsDeps): CoalescedJobs {
  const coalescers = new Map<string, Coalescer<SharedJob>>();

  function coalescerFor(lane: Lane): Coalescer<SharedJob> {
    const id = `${lane.source}|${lane.scope ?? ''}|${lane.model}|${lane.shadow ?? ''}`;
    let coalescer = coalescers.get(id);
    if (!coalescer) {
      coalescer = createCoalescer(queueSharedJob({ adder, replies, ...lane }), { maxTexts: SHARED_JOB_MAX_TEXTS, maxInflight: 1 });
      coalescers.set(id, coalescer);
    }
    return coalescer;
  }

  return {
    async submit(texts, source, options) {
      const lane = { source, scope: adder.cacheScopeOf(options.client), model: options.model, shadow: options.shadow };
      const { job: shared, start, member } = await coalescerFor(lane).submit(texts, options.requestId);
      const { job, replies: expected } = shared;
      const share = job.data.texts.length === texts.length ? undefined : { start, count: texts.length };
      return { job, replayed: false, reply: expected[member], share };
    },
  };
}

/** Queues one job for a group (their texts in order), every member's reply expected before the add. */
function queueSharedJob({ adder, replies, source, scope, model, shadow }: CoalescedJobsDeps & Lane): QueueShared<SharedJob> {
  return async (group) => {
    const jobId = newJobId();
    const expected = group.map(() => replies.expect(jobId));
    const requestIds = group.flatMap((m) => (m.requestId ? [m.requestId] : []));
    const data: ClassifyJobData = {
      texts: group.flatMap((m) => m.texts),
      model,
      ...(shadow && { shadow }),
      source,
      ...(group.length === 1 ? { requestId: requestIds[0] } : { requestIds }),
      replyTo: replies.channel,
      ...(scope && { cacheScope: scope }),
    };
    try {
      return { job: await adder.queueJob(jobId, data), replies: expected };
    } catch (err) {
      expected.forEach((r) => r.cancel());
      throw err;
    }
  };
}
