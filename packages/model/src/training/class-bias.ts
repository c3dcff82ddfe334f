// Class-prior correction: per-class offsets added to the logits so that rare classes (negative tweets are
// 15 % of SemEval) are not drowned by frequent ones. Fitted on the calibration split, never on dev:
// the offsets that maximise macro-recall averaged over the corpora, each corpus counting once.

/** Mean over groups of the macro-recall of argmax(logits + bias). */
export function groupMacroRecall(logits: ArrayLike<number>, labels: ArrayLike<number>, groups: ArrayLike<number>, bias: ArrayLike<number>, classes: number): number {
  const hits = new Map<number, Float64Array>();
  const totals = new Map<number, Float64Array>();
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c]! + bias[c]! > logits[i * classes + best]! + bias[best]!) best = c;
    const g = groups[i]!;
    if (!hits.has(g)) {
      hits.set(g, new Float64Array(classes));
      totals.set(g, new Float64Array(classes));
    }
    totals.get(g)![labels[i]!]! += 1;
    if (best === labels[i]) hits.get(g)![labels[i]!]! += 1;
  }
  let sum = 0;
  for (const [g, t] of totals) {
    let recall = 0;
    let present = 0;
    t.forEach((n, c) => {
      if (n > 0) {
        recall += hits.get(g)![c]! / n;
        present++;
      }
    });
    sum += present ? recall / present : 0;
  }
  return totals.size ? sum / totals.size : 0;
}

/**
 * Offsets (class 0 fixed at 0) on a grid of `step` within ±`range`, then refined once at a tenth of the step.
 * `tolerance` > 0: of the offsets scoring within `tolerance` of the best, the smallest (the best score is itself
 * a noisy estimate on a few thousand texts, and large offsets push plain statements off neutral).
 */
export function fitClassBias(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  groups: ArrayLike<number>,
  classes: number,
  range = 2,
  step = 0.1,
  tolerance = 0,
): Float32Array {
  let best = new Float32Array(classes);
  let bestScore = groupMacroRecall(logits, labels, groups, best, classes);
  const visited: { bias: Float32Array; score: number }[] = [{ bias: best, score: bestScore }];
  const search = (center: Float32Array, radius: number, delta: number) => {
    const steps = Math.round(radius / delta);
    const trial = new Float32Array(classes);
    const visit = (c: number) => {
      if (c === classes) {
        const score = groupMacroRecall(logits, labels, groups, trial, classes);
        if (tolerance > 0) visited.push({ bias: Float32Array.from(trial), score });
        // Ties go to the smaller correction.
        if (score > bestScore + 1e-9 || (Math.abs(score - bestScore) <= 1e-9 && norm(trial) < norm(best))) {
          bestScore = score;
          best = Float32Array.from(trial);
        }
        return;
      }
      for (let k = -steps; k <= steps; k++) {
        trial[c] = center[c]! + k * delta;
        visit(c + 1);
      }
    };
    trial[0] = 0;
    visit(1);
  };
  search(best, range, step);
  search(Float32Array.from(best), step, step / 10);
  if (tolerance <= 0) return best;
  const within = visited.filter((v) => v.score >= bestScore - tolerance - 1e-9);
  return within.reduce((a, v) => (norm(v.bias) < norm(a.bias) - 1e-12 ? v : a)).bias;
}

const norm = (v: Float32Array) => v.reduce((a, x) => a + x * x, 0);
