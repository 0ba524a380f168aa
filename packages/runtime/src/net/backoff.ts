/**
 * Reconnect delay after `failures` consecutive failed attempts: exponential from `minMs`,
 * capped at `maxMs`, with "equal jitter" (a uniform draw in the upper half) so that peers that
 * lost each other at the same moment do not redial in lockstep. `random` is in [0, 1).
 */
export function reconnectDelayMs(failures: number, minMs: number, maxMs: number, random: number): number {
  const exponent = Math.min(failures, 30);
  const ceiling = Math.min(maxMs, minMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}
