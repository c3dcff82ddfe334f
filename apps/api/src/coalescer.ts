/** One request's share of a coalesced job: texts `start … start + count - 1` of it; `member` is its place in the group. */
export interface Share<J> {
  job: J;
  start: number;
  member: number;
}

interface Waiting<J> {
  texts: string[];
  requestId: string | undefined;
  resolve(share: Share<J>): void;
  reject(err: unknown): void;
}

export interface CoalescerOptions {
  /** Texts one shared job may carry. A request with more travels alone. */
  maxTexts: number;
  /** Adds on their way to Redis at once; requests arriving meanwhile leave together in the next job. */
  maxInflight: number;
}

export interface Coalescer<J> {
  /** Resolves once the job carrying these texts is queued, with this request's place in it. */
  submit(texts: string[], requestId: string | undefined): Promise<Share<J>>;
}

/** Queues one job for a group of requests (their texts in order) and returns it. */
export type QueueShared<J> = (group: ReadonlyArray<{ texts: string[]; requestId: string | undefined }>) => Promise<J>;

/**
 * Group commit for interactive requests: while `maxInflight` adds are on their way to Redis, requests
 * that arrive wait and then leave together as one job. At low load every request gets a job of its own
 * at once (on the next turn of the event loop, so requests parsed in the same turn still share); under
 * load, the queue's per-job costs (Redis scripts, worker pickup, completion) are paid per group rather
 * than per request — the "jobs carrying several texts" of a Triton-style dynamic batcher, moved in
 * front of the queue.
 */
export function createCoalescer<J>(queueShared: QueueShared<J>, { maxTexts, maxInflight }: CoalescerOptions): Coalescer<J> {
  const waiting: Waiting<J>[] = [];
  let inflight = 0;
  let scheduled = false;

  function schedule(): void {
    if (scheduled || inflight >= maxInflight || waiting.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      while (inflight < maxInflight && waiting.length > 0) send(takeGroup());
    });
  }

  function takeGroup(): Waiting<J>[] {
    const group = [waiting.shift()!];
    let texts = group[0]!.texts.length;
    while (waiting.length > 0 && texts + waiting[0]!.texts.length <= maxTexts) {
      texts += waiting[0]!.texts.length;
      group.push(waiting.shift()!);
    }
    return group;
  }

  function send(group: Waiting<J>[]): void {
    inflight++;
    queueShared(group)
      .then(
        (job) => {
          let start = 0;
          group.forEach((w, member) => {
            w.resolve({ job, start, member });
            start += w.texts.length;
          });
        },
        (err: unknown) => group.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        inflight--;
        schedule();
      });
  }

  return {
    submit(texts, requestId) {
      return new Promise<Share<J>>((resolve, reject) => {
        waiting.push({ texts, requestId, resolve, reject });
        schedule();
      });
    },
  };
}
