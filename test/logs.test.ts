// One request id follows a prediction from the HTTP request into the job and the worker's log lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/processes.js';
import { postJson, startStack, type Stack } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('logs', { apiEnv: { LOG_LEVEL: 'info' }, workerEnv: { LOG_LEVEL: 'info' } });
});
afterAll(async () => {
  await stack?.stop();
});

/** The JSON log lines a process printed. */
const jsonLines = (output: string): Array<Record<string, unknown>> =>
  output.split('\n').flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as unknown;
      return parsed && typeof parsed === 'object' ? [parsed as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });

describe('request ids in the logs', () => {
  it("the API's line for a request names its job, and the worker's line for that job names the request", async () => {
    const requestId = `trace-${Date.now()}`;
    const res = await postJson(`${stack.url}/predict`, { text: 'a warm and funny film' }, { 'X-Request-Id': requestId });
    expect(res.status, stack.logs()).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(requestId);

    const apiLine = await waitFor('the API log line', async () =>
      jsonLines(stack.api.output()).find((l) => (l.req as { id?: string } | undefined)?.id === requestId && 'responseTime' in l),
    );
    expect(apiLine.jobId).toEqual(expect.any(String));
    const workerLine = await waitFor('the worker log line', async () =>
      jsonLines(stack.workers[0]!.output()).find((l) => l.jobId === apiLine.jobId && l.msg === 'classify job done'),
    );
    // A job shared by requests that arrived together (coalesced) names them all.
    expect(workerLine.requestId ?? workerLine.requestIds).toEqual(workerLine.requestId ? requestId : expect.arrayContaining([requestId]));
    // The user's text never reaches either log.
    expect(stack.api.output() + stack.workers[0]!.output()).not.toContain('a warm and funny film');
  });
});
