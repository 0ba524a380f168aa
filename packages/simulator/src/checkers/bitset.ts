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

  /** Whether the words stored in `pool` from `offset` on hold the same members. */
  equalsAt(pool: Uint32Array, offset: number): boolean {
    const mine = this.words;
    for (let w = 0; w < mine.length; w++) if (mine[w] !== pool[offset + w]) return false;
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
