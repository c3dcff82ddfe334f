// Closed-loop HTTP load: N clients, each sending its next request as soon as the last one is answered.
// Every request is recorded (start, end, status, body or error) for the verdicts.
import { setTimeout as delay } from 'node:timers/promises';

export interface RequestRecord {
  client: number;
  /** The API the request went to. */
  url: string;
  path: string;
  texts: number;
  start: number;
  end: number;
  /** 0 when no HTTP answer arrived (connection refused or reset, client timeout). */
  status: number;
  retryAfter: string | null;
  // JSON from any endpoint: each script reads the fields it checks.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  error?: string;
}

export interface LoadOptions {
  clients: number;
  /** Where each request goes; read per request so a caller can move clients between APIs. */
  baseUrl: () => string;
  /** The request a client sends next; `i` counts that client's requests. */
  request: (client: number, i: number) => { path: string; body: unknown; texts: number };
  /** Client-side bound on one request, so a hung request is recorded instead of blocking the run. */
  timeoutMs?: number;
  /** Pause after a failed request, so a down API is not hammered in a tight loop. */
  pauseAfterErrorMs?: number;
  /** Pause after every request (a slow, steady client such as a bulk submitter). */
  pauseMs?: number;
  onRecord?: (r: RequestRecord) => void;
}

export function startLoad({ clients, baseUrl, request, timeoutMs = 30_000, pauseAfterErrorMs = 50, pauseMs = 0, onRecord }: LoadOptions) {
  const records: RequestRecord[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let i = 0; running; i++) {
      const r = await send(client, i);
      records.push(r);
      onRecord?.(r);
      if (r.status !== 200 && r.status !== 202) await delay(pauseAfterErrorMs);
      if (pauseMs > 0) await delay(pauseMs);
    }
  });

  async function send(client: number, i: number): Promise<RequestRecord> {
    const { path, body, texts } = request(client, i);
    const url = baseUrl();
    const start = Date.now();
    const base = { client, url, path, texts, start };
    try {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // kept as text: a non-JSON answer is itself a finding
      }
      return { ...base, end: Date.now(), status: res.status, retryAfter: res.headers.get('retry-after'), body: parsed };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { ...base, end: Date.now(), status: 0, retryAfter: null, body: undefined, error: cause ?? (err as Error).name ?? String(err) };
    }
  }

  return {
    records,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

export const sampleText = (tag: string, i: number) =>
  `${tag} ${i}: the plot was ${['gripping', 'silly', 'moving', 'a tedious mess', 'fine'][i % 5]} and the acting ${i % 3 ? 'superb' : 'wooden'}`;

/** Texts of one request; distinct per request so nothing is served from anywhere but the model. */
export const sampleTexts = (tag: string, n: number) => Array.from({ length: n }, (_, i) => sampleText(tag, i));

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Status code histogram, e.g. `200×812 503×40 ERR(ECONNREFUSED)×3`. */
export function statusHistogram(records: RequestRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) {
    const key = r.status === 0 ? `ERR(${r.error})` : String(r.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k}×${n}`).join(' ') || 'none';
}
