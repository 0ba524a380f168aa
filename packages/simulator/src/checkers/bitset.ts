/**
 * A fixed-size set of small integers (the operations linearized so far) with an
 * incrementally kept Zobrist hash: each member contributes a fixed pseudo-random 32-bit
 * word, xored in on `add` and out on `remove`, so hashing costs nothing per step.
 */
export class Bitset {
  readonly words: Uint32Array;
  hash = 0;

  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
    this.hash ^= zobrist(i);
  }

  remove(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
    this.hash ^= zobrist(i);
  }

  /**
   * A set's span, the words that tell it apart: [spanLo(), spanHi(lo)), where every word
   * before the span is full and every word after it is empty (hi <= lo when there is
   * nothing between). Two sets of one size are equal exactly when their spans are.
   */
  spanLo(): number {
    const w = this.words;
    let lo = 0;
    while (lo < w.length && w[lo] === 0xffffffff) lo++;
    return lo;
  }

  spanHi(lo: number): number {
    const w = this.words;
    let hi = w.length;
    while (hi > lo && w[hi - 1] === 0) hi--;
    return hi;
  }

  /** Whether words [lo, hi) equal those stored in `pool` from `offset` on. */
  spanEqualsAt(lo: number, hi: number, pool: Uint32Array, offset: number): boolean {
    const mine = this.words;
    for (let w = lo; w < hi; w++) if (mine[w] !== pool[offset + w - lo]) return false;
    return true;
  }
}

/** A fixed pseudo-random word per member (a murmur3 finaliser of the index). */
function zobrist(i: number): number {
  let h = Math.imul(i + 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
