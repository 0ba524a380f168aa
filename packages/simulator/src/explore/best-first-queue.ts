/** A binary heap: the highest `score` first, and among equal scores the first pushed (so ties go breadth first). */
export class BestFirstQueue<T extends { readonly score: number }> {
  private readonly items: { readonly item: T; readonly seq: number }[] = [];
  private pushed = 0;

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const h = this.items;
    h.push({ item, seq: this.pushed++ });
    for (let i = h.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (!this.before(i, up)) break;
      [h[i], h[up]] = [h[up]!, h[i]!];
      i = up;
    }
  }

  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top?.item;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < h.length && this.before(l, best)) best = l;
      if (r < h.length && this.before(r, best)) best = r;
      if (best === i) break;
      [h[i], h[best]] = [h[best]!, h[i]!];
      i = best;
    }
    return top.item;
  }

  /** What is left, in no particular order. */
  remaining(): T[] {
    return this.items.map((x) => x.item);
  }

  private before(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.item.score !== y.item.score ? x.item.score > y.item.score : x.seq < y.seq;
  }
}
