import { ConfigError } from '../config-error.ts';

/**
 * How a timed run picks its next event. `random`: the earliest event first, with message
 * latencies drawn at random (the simulator's own schedule). `pct`: probabilistic
 * concurrency testing (Burckhardt et al., ASPLOS 2010) adapted to a timed simulator: among
 * the events that may happen now, the node with the highest priority goes first, with
 * `depth - 1` priority-change points over the expected `steps` of the run. See
 * docs/exploration.md.
 */
export type StrategyOptions = { readonly kind: 'random' } | PctOptions;

export interface PctOptions {
  readonly kind: 'pct';
  /** The bug depth d the run targets: d - 1 priority-change points (default 3). */
  readonly depth?: number;
  /** The expected number of events in a run, over which change points are drawn (default: the events of the same seed run with `random`). */
  readonly steps?: number;
}

export type ResolvedStrategy = { readonly kind: 'random' } | { readonly kind: 'pct'; readonly depth: number; readonly steps: number | undefined };

export const STRATEGIES = ['random', 'pct'] as const;
export const DEFAULT_PCT_DEPTH = 3;
/** Depths beyond this are refused: each change point is a random draw, and PCT's guarantee falls as 1/k^(d-1). */
const MAX_PCT_DEPTH = 20;

/** Checks a strategy; throws `ConfigError`. */
export function resolveStrategy(s: StrategyOptions | undefined): ResolvedStrategy {
  if (s === undefined || s.kind === 'random') return { kind: 'random' };
  if (s.kind !== 'pct') throw new ConfigError(`strategy must be ${STRATEGIES.map((k) => `'${k}'`).join(' or ')}, not ${JSON.stringify((s as { kind: unknown }).kind)}`);
  const depth = s.depth ?? DEFAULT_PCT_DEPTH;
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_PCT_DEPTH) throw new ConfigError(`pct depth must be an integer from 1 to ${MAX_PCT_DEPTH}, not ${depth}`);
  if (s.steps !== undefined && !(Number.isInteger(s.steps) && s.steps >= 1)) throw new ConfigError(`pct steps must be a positive integer, not ${s.steps}`);
  return { kind: 'pct', depth, steps: s.steps };
}
