import seedrandom from 'seedrandom';
import type { WorkloadRandom } from '@faultline/runtime';

/**
 * A deterministic random stream (seedrandom's Alea generator). Every stream in a run is
 * forked from the run's seed by a label, so adding a draw to one stream (say, the
 * network's) never shifts another (say, a node's).
 */
export class Rng implements WorkloadRandom {
  private readonly next: () => number;

  constructor(readonly seed: string) {
    this.next = seedrandom.alea(seed);
  }

  /** An independent stream named `label` under this one. */
  fork(label: string): Rng {
    return new Rng(`${this.seed}/${label}`);
  }

  /** A uniform number in [0, 1). The three draws below are all the others are made of (a choice stream overrides them). */
  protected unit(): number {
    return this.next();
  }

  /** A uniform integer in [0, n). */
  protected below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p` (> 0). */
  protected flip(p: number): boolean {
    return this.next() < p;
  }

  random(): number {
    return this.unit();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return this.below(n);
  }

  /** Uniform number in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.unit();
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.unit());
  }

  chance(p: number): boolean {
    return p > 0 && this.flip(p);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty list');
    return items[this.int(items.length)]!;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
