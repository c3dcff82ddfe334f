// Temperature scaling (Guo et al. 2017): one scalar T with softmax(logits / T) minimising the negative
// log-likelihood on held-out data. It changes confidences, never the argmax.

/** Mean negative log-likelihood of softmax(logits / t) for the gold labels; logits are [n, classes]. */
export function temperatureNll(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number, t: number): number {
  const n = labels.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[i * classes + c]! / t);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[i * classes + c]! / t - max);
    total -= logits[i * classes + labels[i]!]! / t - max - Math.log(sum);
  }
  return n ? total / n : 0;
}

/** The NLL-minimising temperature in [0.05, 20], by golden-section search on log T (NLL is unimodal in T). */
export function fitTemperature(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  const f = (logT: number) => temperatureNll(logits, labels, classes, Math.exp(logT));
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(0.05);
  let b = Math.log(20);
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let k = 0; k < 60; k++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}
