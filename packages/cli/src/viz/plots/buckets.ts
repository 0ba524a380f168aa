import { niceTicks } from './scale.ts';

/** A round bucket width (1, 2 or 5 times a power of ten) giving about `count` buckets over [0, end]. */
export function bucketWidth(endMs: number, count: number): number {
  const ticks = niceTicks(0, Math.max(endMs, 1), count);
  return ticks.length > 1 ? ticks[1]! - ticks[0]! : Math.max(endMs, 1);
}

/** How many of `times` fall in each bucket [k·width, (k+1)·width) up to `endMs` (the last bucket takes `endMs` itself). */
export function countBuckets(times: Iterable<number>, endMs: number, width: number): number[] {
  const n = Math.max(1, Math.ceil(endMs / width));
  const counts = new Array<number>(n).fill(0);
  for (const t of times) counts[Math.min(n - 1, Math.max(0, Math.floor(t / width)))]!++;
  return counts;
}
