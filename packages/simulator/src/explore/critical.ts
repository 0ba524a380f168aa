import { Rng } from '../rng.ts';
import { statesAlong, type Choice } from './check.ts';
import type { CheckModel } from './check-model.ts';
import { PathMonitor } from './path-monitor.ts';
import { randomWalk } from './walk.ts';

export type CriticalTransition =
  /** Walks from the state before step `step` can still reach the properties; from the state after it, none did. */
  | { readonly found: true; readonly step: number; readonly label: string; readonly probes: number }
  /** `dead-at-start`: no walk reached them even from the initial state; `live-at-end`: walks from the failing path's last state did (the failing walk was unlucky). */
  | { readonly found: false; readonly reason: 'dead-at-start' | 'live-at-end'; readonly probes: number };

export interface CriticalOptions {
  readonly walkDepth: number;
  /** Walks tried from each probed state (bounded: probes are at most log2(path) + 2). */
  readonly walksPerPrefix: number;
  readonly seed: string;
  /** A state along the path known to be live (the end of a warm-up, where the properties held): the search starts there. */
  readonly liveFrom?: number;
}

/**
 * MaceMC's critical transition: on a path whose end no longer reaches the `eventually`
 * properties, the last step after which random walks cannot make them true. A state is
 * live when one of `walksPerPrefix` walks from it reaches them; the initial state (or
 * the end of a warm-up, where they held, and which is not probed) is expected live and
 * the last state dead, and a binary search over the path's prefixes
 * finds a live state followed by a dead one. (Liveness along a path is assumed monotone,
 * as in MaceMC; the walks make "dead" a probable, not a proven, verdict.)
 */
export function criticalTransition(model: CheckModel, path: readonly Choice[], o: CriticalOptions): CriticalTransition {
  const { states } = statesAlong(model, path);
  let probes = 0;
  // A probe's walk continues the path: its properties are shown the path up to the probed
  // state first (from the warm-up's end, where the search's paths start too).
  const live = (k: number): boolean => {
    probes++;
    for (let w = 0; w < o.walksPerPrefix; w++) {
      const monitor = PathMonitor.along(model, states.slice(o.liveFrom ?? 0, k + 1));
      if (randomWalk(model, states[k]!, o.walkDepth, new Rng(`${o.seed}/probe/${k}/${w}`), monitor).outcome === 'reached') return true;
    }
    return false;
  };
  let lo = o.liveFrom ?? 0;
  let hi = states.length - 1;
  if (o.liveFrom === undefined && !live(lo)) return { found: false, reason: 'dead-at-start', probes };
  if (live(hi)) return { found: false, reason: 'live-at-end', probes };
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (live(mid)) lo = mid;
    else hi = mid;
  }
  return { found: true, step: hi, label: path[hi - 1]!.label, probes };
}
