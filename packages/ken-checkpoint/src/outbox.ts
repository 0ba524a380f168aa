import type { NodeId } from '@faultline/runtime';
import type { Patch } from 'immer';
import type { KenState } from './ken-state.ts';

export interface Pruned<S> {
  readonly state: KenState<S>;
  /** The change as immer patches: one `remove` of index 0 per message, or one `replace` when all go. */
  readonly patches: Patch[];
  readonly count: number;
}

/**
 * Forgets the messages to `peer` with `seq <= ack`. Done by hand rather than through an
 * immer draft: immer diffs an array index by index, so dropping k messages from the front
 * of n would record n - k replaced entries (every remaining message, again, in every
 * record). These patches are O(k) and contain no message at all.
 */
export function pruneOutbox<S>(state: KenState<S>, peer: NodeId, ack: number): Pruned<S> {
  const ch = state.out[peer];
  if (ch === undefined) return { state, patches: [], count: 0 };
  let k = 0;
  while (k < ch.unacked.length && ch.unacked[k]!.seq <= ack) k++;
  if (k === 0) return { state, patches: [], count: 0 };
  const path = ['out', peer, 'unacked'];
  const patches: Patch[] =
    k === ch.unacked.length
      ? [{ op: 'replace', path, value: [] }]
      : Array.from({ length: k }, (): Patch => ({ op: 'remove', path: [...path, 0] }));
  const next: KenState<S> = { ...state, out: { ...state.out, [peer]: { next: ch.next, unacked: ch.unacked.slice(k) } } };
  return { state: next, patches, count: k };
}
