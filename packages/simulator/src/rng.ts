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

  random(): number {
    return this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform number in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
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
