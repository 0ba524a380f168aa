/** Wall-clock helpers for benchmarks only (never for simulator or protocol code). */

/** Runs `fn` once to warm up, then `rounds` times; returns the median of what it reports. */
export function medianOf(rounds: number, fn: () => number): number {
  fn();
  const xs = Array.from({ length: rounds }, fn).sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
}

/** Calls `fn` and returns `count / seconds`, where `fn` returns the count it did. */
export function ratePerSec(fn: () => number): number {
  const t0 = process.hrtime.bigint();
  const count = fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return count / seconds;
}

/**
 * Calls `fn` and returns `count / CPU seconds` (user + system of this process, its GC
 * threads included): the measure for comparing with a figure published as CPU time.
 */
export function ratePerCpuSec(fn: () => number): number {
  const before = process.cpuUsage();
  const count = fn();
  const used = process.cpuUsage(before);
  return count / ((used.user + used.system) / 1e6);
}
