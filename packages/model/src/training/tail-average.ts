// Tail averaging of the weights (Polyak–Ruppert; "stochastic weight averaging", Izmailov et al. 2018): the
// network ends on the mean of snapshots taken over the last part of training instead of on its last step.
import type { AdamTarget } from './adam.js';

export class TailAverage {
  private readonly dense: Float64Array;
  private readonly emb: Float64Array;
  private count = 0;

  constructor(private readonly params: AdamTarget['params']) {
    this.dense = new Float64Array(params.dense.length);
    this.emb = new Float64Array(params.emb.length);
  }

  get snapshots(): number {
    return this.count;
  }

  add(): void {
    const { dense, emb } = this.params;
    for (let i = 0; i < dense.length; i++) this.dense[i]! += dense[i]!;
    for (let i = 0; i < emb.length; i++) this.emb[i]! += emb[i]!;
    this.count++;
  }

  /** Writes the mean of the snapshots into the network's parameters. */
  apply(): void {
    if (this.count === 0) throw new Error('no snapshot to average');
    const { dense, emb } = this.params;
    for (let i = 0; i < dense.length; i++) dense[i] = this.dense[i]! / this.count;
    for (let i = 0; i < emb.length; i++) emb[i] = this.emb[i]! / this.count;
  }
}
