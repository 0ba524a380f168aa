import type { TraceRecord } from '@faultline/simulator';
import { laneOf } from './lanes.ts';

/** No state: the node is down, or has not started. */
export const NO_STATE = -1;

/**
 * Each node's state before and after every turn, from a trace made with `trace: 'full'`
 * (its start records carry the state the start handler saw, its state records the state a
 * turn left). States are numbered once each (`states[k]`): an unchanged state is the same
 * immutable object, so a run of a few thousand turns keeps only the states that differ.
 *
 * A turn is everything one simulation event did at one node (the delivery, its state change,
 * its sends). Every record of the turn gets the same `before` and `after`: `before` is the
 * state the handler saw (for a start, the initial state), `after` the state the node was
 * left in (NO_STATE after a crash). Records on no node get NO_STATE for both.
 */
export interface TurnStates {
  readonly states: readonly unknown[];
  /** For each state, the number of the same node's state before it (NO_STATE for none). */
  readonly parents: readonly number[];
  readonly before: readonly number[];
  readonly after: readonly number[];
}

interface Turn {
  before: number;
  after: number;
}

export function turnStates(records: readonly TraceRecord[], nodes: ReadonlySet<string>): TurnStates {
  const ids = new Map<unknown, number>();
  const states: unknown[] = [];
  const parents: number[] = [];
  const current = new Map<string, number>();
  const idOf = (s: unknown, node: string): number => {
    if (s === undefined) return NO_STATE;
    let k = ids.get(s);
    if (k === undefined) {
      k = states.length;
      ids.set(s, k);
      states.push(s);
      parents.push(current.get(node) ?? NO_STATE);
    }
    return k;
  };
  const turns: (Turn | undefined)[] = [];
  let open = new Map<string, Turn>();
  let openEvent = -1;
  records.forEach((r, k) => {
    const node = laneOf(r);
    if (node === undefined || !nodes.has(node)) return;
    if (r.i !== openEvent) {
      open = new Map();
      openEvent = r.i;
    }
    let turn = open.get(node);
    if (turn === undefined) {
      turn = { before: r.k === 'start' ? idOf(r.state, node) : (current.get(node) ?? NO_STATE), after: NO_STATE };
      open.set(node, turn);
    }
    // A restart's fault record opens the turn; its start record says what the handler saw.
    if (r.k === 'start') turn.before = idOf(r.state, node);
    if (r.k === 'start' || r.k === 'state') current.set(node, idOf(r.state, node));
    else if (r.k === 'fault' && r.fault.kind === 'crash') current.set(node, NO_STATE);
    turn.after = current.get(node) ?? NO_STATE;
    turns[k] = turn;
  });
  return {
    states,
    parents,
    before: records.map((_r, k) => turns[k]?.before ?? NO_STATE),
    after: records.map((_r, k) => turns[k]?.after ?? NO_STATE),
  };
}
