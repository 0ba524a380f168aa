import { fnv1a } from '@faultline/runtime';
import type { Bitset } from './bitset.ts';

/**
 * Lowe's memo for a search over orders of operations: the configurations (set of
 * operations placed so far, model state) already reached. A configuration reached again
 * by another order can be skipped: the rest of the search from it would be the same.
 * Shared by the linearizability and sequential consistency searches.
 */
export class SearchMemo<State> {
  private readonly seen = new Map<number, { words: Uint32Array; state: State }[]>();

  constructor(private readonly equalStates: (a: State, b: State) => boolean) {}

  /** Records (`placed`, `state`); false if it was recorded before. */
  remember(placed: Bitset, state: State): boolean {
    const key = (placed.hash ^ Math.imul(stateHash(state), 0x27d4eb2d)) | 0;
    let bucket = this.seen.get(key);
    if (bucket === undefined) this.seen.set(key, (bucket = []));
    for (const seen of bucket) if (placed.equals(seen.words) && this.equalStates(seen.state, state)) return false;
    bucket.push({ words: placed.snapshot(), state });
    return true;
  }
}

/** A hash of a primitive state (strings by FNV-1a); 0 for objects, which the memo compares one by one. */
export function stateHash(state: unknown): number {
  if (typeof state === 'string') return fnv1a(state);
  if (typeof state === 'number') return Math.imul(state | 0, 0x9e3779b1) ^ (state * 1000) | 0;
  if (typeof state === 'boolean') return state ? 1 : 2;
  return 0;
}
