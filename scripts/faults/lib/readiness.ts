// Polls GET /ready through a run, so a verdict can say what readiness reported during a fault.
export interface ReadySample {
  t: number;
  status: number;
  checks?: { redis?: string; postgres?: string; workers?: number };
  error?: string;
}

export function pollReady(baseUrl: string, intervalMs = 500) {
  const samples: ReadySample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = Date.now();
      try {
        const res = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(5000) });
        const body = (await res.json()) as { checks?: ReadySample['checks'] };
        samples.push({ t, status: res.status, checks: body.checks });
      } catch (err) {
        samples.push({ t, status: 0, error: String(err) });
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
    },
  };
}
