/**
 * The search's visited store: a set of 64-bit state hashes (two 32-bit words each) in one
 * open-addressing table of typed words, probed linearly, doubled at half full, with one
 * 32-bit value beside each hash (the search plan keeps where in the search a state came
 * first). It holds no strings or objects, so a million states take 24 MB and no garbage
 * collector time.
 */
export class VisitedSet {
  private words: Uint32Array;
  private values: Uint32Array;
  private mask: number;
  private count = 0;
  /** The value of the hash 0:0 (the table's empty mark), or -1 while it is not in the set. */
  private zero = -1;

  constructor(capacity = 1 << 12) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.words = new Uint32Array(slots * 2);
    this.values = new Uint32Array(slots);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds the hash `hi:lo`; true if it was not in the set. */
  add(hi: number, lo: number): boolean {
    return this.insert(hi, lo, 0) < 0;
  }

  /** Adds the hash `hi:lo` with `value` (an integer 0 <= value < 2^32) and returns -1, or if it was in the set already, returns its value. */
  insert(hi: number, lo: number, value: number): number {
    hi >>>= 0;
    lo >>>= 0;
    if (hi === 0 && lo === 0) {
      if (this.zero >= 0) return this.zero;
      this.zero = value;
      this.count++;
      return -1;
    }
    const w = this.words;
    for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const h = w[2 * i]!;
      const l = w[2 * i + 1]!;
      if (h === 0 && l === 0) {
        w[2 * i] = hi;
        w[2 * i + 1] = lo;
        this.values[i] = value;
        if (++this.count * 2 > this.mask + 1) this.grow();
        return -1;
      }
      if (h === hi && l === lo) return this.values[i]!;
    }
  }

  /** A set with the same hashes and values, apart from this one. */
  copy(): VisitedSet {
    const c = new VisitedSet();
    c.words = this.words.slice();
    c.values = this.values.slice();
    c.mask = this.mask;
    c.count = this.count;
    c.zero = this.zero;
    return c;
  }

  has(hi: number, lo: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    if (hi === 0 && lo === 0) return this.zero >= 0;
    const w = this.words;
    for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const h = w[2 * i]!;
      const l = w[2 * i + 1]!;
      if (h === 0 && l === 0) return false;
      if (h === hi && l === lo) return true;
    }
  }

  private grow(): void {
    const old = this.words;
    const oldValues = this.values;
    this.words = new Uint32Array(old.length * 2);
    this.values = new Uint32Array(old.length);
    this.mask = old.length - 1;
    this.count = this.zero >= 0 ? 1 : 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i]!, old[i + 1]!, oldValues[i / 2]!);
  }
}
