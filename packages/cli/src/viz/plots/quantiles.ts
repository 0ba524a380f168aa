/**
 * Quantiles of latency over sliding windows of time: at `points` evenly spaced times, the
 * q-quantile (nearest rank) of the values whose time lies within `windowMs` / 2 of it.
 * A point whose window holds no value has no quantile (undefined), so lines break there.
 */
export function slidingQuantiles(
  samples: readonly { readonly t: number; readonly v: number }[],
  qs: readonly number[],
  endMs: number,
  windowMs: number,
  points: number,
): { t: number; values: (number | undefined)[] }[] {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const out: { t: number; values: (number | undefined)[] }[] = [];
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < points; k++) {
    const t = points === 1 ? endMs / 2 : (endMs * k) / (points - 1);
    while (lo < sorted.length && sorted[lo]!.t < t - windowMs / 2) lo++;
    while (hi < sorted.length && sorted[hi]!.t <= t + windowMs / 2) hi++;
    const window = sorted.slice(lo, Math.max(lo, hi)).map((s) => s.v).sort((a, b) => a - b);
    out.push({ t, values: qs.map((q) => quantile(window, q)) });
  }
  return out;
}

/** The nearest-rank q-quantile of ascending `values`; undefined when there are none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  return values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))];
}
