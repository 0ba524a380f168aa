/**
 * The observed-remove set's replica-to-replica operations: digests, deltas and merging.
 * Merging is a union of add tags and a union of tombstones, so it is commutative,
 * associative and idempotent: replicas that have seen the same entries, in any order and
 * any number of times, are equal.
 */
import { LIMITS } from './config.ts';
import type { Entries, Tag } from './messages.ts';
import type { State } from './state.ts';

type SetState = Pick<State, 'adds' | 'tombs'>;

/** The tags a replica holds, as sent in a Sync. */
export function digest(s: SetState): { adds: Tag[]; tombs: Tag[] } {
  return { adds: Object.keys(s.adds).sort(), tombs: Object.keys(s.tombs).sort() };
}

/** The entries of `s` missing from a digest, tombstones first, at most `maxDeltaEntries`. */
export function missingFrom(s: SetState, adds: readonly Tag[], tombs: readonly Tag[]): Entries {
  const hasAdd = new Set(adds);
  const hasTomb = new Set(tombs);
  const outTombs: Tag[] = [];
  const outAdds: [Tag, string][] = [];
  let budget: number = LIMITS.maxDeltaEntries;
  for (const tag of Object.keys(s.tombs).sort()) {
    if (budget === 0) break;
    if (!hasTomb.has(tag)) (outTombs.push(tag), budget--);
  }
  for (const tag of Object.keys(s.adds).sort()) {
    if (budget === 0) break;
    if (!hasAdd.has(tag)) (outAdds.push([tag, s.adds[tag]!]), budget--);
  }
  return { adds: outAdds, tombs: outTombs };
}

/** The tags of a digest that `s` lacks. */
export function wanted(s: SetState, adds: readonly Tag[], tombs: readonly Tag[]): { adds: Tag[]; tombs: Tag[] } {
  return { adds: adds.filter((t) => s.adds[t] === undefined), tombs: tombs.filter((t) => s.tombs[t] !== true) };
}

/** The named entries of `s` (those it has), at most `maxDeltaEntries`. */
export function entriesFor(s: SetState, adds: readonly Tag[], tombs: readonly Tag[]): Entries {
  const outTombs = tombs.filter((t) => s.tombs[t] === true).slice(0, LIMITS.maxDeltaEntries);
  const room = LIMITS.maxDeltaEntries - outTombs.length;
  const outAdds: [Tag, string][] = [];
  for (const t of adds) {
    if (outAdds.length >= room) break;
    const elem = s.adds[t];
    if (elem !== undefined) outAdds.push([t, elem]);
  }
  return { adds: outAdds, tombs: outTombs };
}

/** Merges entries into `s` (a draft). */
export function merge(s: SetState, e: Entries): void {
  for (const [tag, elem] of e.adds) if (s.adds[tag] === undefined) s.adds[tag] = elem;
  for (const tag of e.tombs) if (s.tombs[tag] !== true) s.tombs[tag] = true;
}

export function isEmpty(e: Entries): boolean {
  return e.adds.length === 0 && e.tombs.length === 0;
}
