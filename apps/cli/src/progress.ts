import cliProgress from 'cli-progress';

export interface Progress {
  /** `done` of `total` texts are classified (`done` may start above 0 when resuming). */
  update(done: number, total: number): void;
  /** A message that must not be drawn over by the bar. */
  log(message: string): void;
  stop(): void;
}

/** Texts per second over the last few seconds: steadier than since-start once a resume skipped work. */
function rateMeter(windowMs = 10_000) {
  const samples: { at: number; done: number }[] = [];
  return (done: number): number => {
    const now = Date.now();
    samples.push({ at: now, done });
    while (samples.length > 2 && now - samples[0]!.at > windowMs) samples.shift();
    const first = samples[0]!;
    const seconds = (now - first.at) / 1000;
    return seconds > 0 ? (done - first.done) / seconds : 0;
  };
}

const formatEta = (seconds: number) =>
  !Number.isFinite(seconds) ? '?' : seconds >= 3600 ? `${Math.floor(seconds / 3600)}h${Math.round((seconds % 3600) / 60)}m` : seconds >= 60 ? `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s` : `${Math.ceil(seconds)}s`;

/** A bar with rate and ETA on a terminal; a plain line every few seconds otherwise (logs, CI); or nothing. */
export function createProgress(mode: 'auto' | 'none', stream: NodeJS.WriteStream = process.stderr, lineEveryMs = 2000): Progress {
  if (mode === 'none') return { update() {}, log() {}, stop() {} };
  const rate = rateMeter();

  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: '{bar} {percentage}% | {value}/{total} texts | {rate} texts/s | ETA {remaining}',
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        const perSecond = rate(done);
        const payload = { rate: Math.round(perSecond), remaining: formatEta(perSecond > 0 ? (total - done) / perSecond : Infinity) };
        if (!started) bar.start(total, done, payload);
        else bar.update(done, payload);
        started = true;
      },
      log(message) {
        stream.write(`\r\x1b[K${message}\n`);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }

  let lastLine = 0;
  let last = '';
  return {
    update(done, total) {
      const perSecond = rate(done);
      const now = Date.now();
      if (now - lastLine < lineEveryMs && done < total) return;
      const line = `progress: ${done}/${total} texts (${Math.floor((100 * done) / total)}%), ${Math.round(perSecond)} texts/s, ETA ${done >= total ? '0s' : formatEta(perSecond > 0 ? (total - done) / perSecond : Infinity)}`;
      if (line === last) return;
      stream.write(`${line}\n`);
      last = line;
      lastLine = now;
    },
    log: (message) => stream.write(`${message}\n`),
    stop() {},
  };
}
