/** Linear and logarithmic scales from data values to pixels, with readable tick values. */
export interface Scale {
  /** The pixel position of `v` (clamped to the domain for a log scale's zero). */
  (v: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Tick values inside the domain. */
  ticks(): number[];
}

/** Maps [d0, d1] onto [r0, r1]; an empty domain is widened to [d0, d0 + 1]. */
export function linearScale(d0: number, d1: number, r0: number, r1: number, tickCount = 6): Scale {
  const hi = d1 > d0 ? d1 : d0 + 1;
  const f = (v: number) => r0 + ((v - d0) / (hi - d0)) * (r1 - r0);
  return Object.assign(f, { domain: [d0, hi] as const, range: [r0, r1] as const, ticks: () => niceTicks(d0, hi, tickCount) });
}

/** Maps [d0, d1] (both > 0) onto [r0, r1] by log10; ticks at powers of ten (and 2, 5 between when few). */
export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const lo = Math.log10(d0 > 0 ? d0 : 1e-3);
  const hi = Math.max(Math.log10(d1 > 0 ? d1 : 1), lo + 1);
  const f = (v: number) => r0 + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * (r1 - r0);
  const ticks = () => {
    const out: number[] = [];
    const decades = Math.ceil(hi) - Math.floor(lo);
    const steps = decades <= 3 ? [1, 2, 5] : [1];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++)
      for (const s of steps) {
        const v = s * 10 ** e;
        const l = Math.log10(v);
        if (l >= lo - 1e-9 && l <= hi + 1e-9) out.push(Number(v.toPrecision(6)));
      }
    return out;
  };
  return Object.assign(f, { domain: [10 ** lo, 10 ** hi] as const, range: [r0, r1] as const, ticks });
}

/** About `count` round values (1, 2 or 5 times a power of ten apart) from `lo` to `hi`. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
