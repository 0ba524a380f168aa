import { always, converges, eventually, liveStates, type History, type Operation, type Property, type SystemView } from '@faultline/runtime';
import type { Req, Res, Tag } from './messages.ts';
import type { State } from './state.ts';
import { readsSeeReplicaRemoves } from './reads.ts';

/**
 * Where a service keeps a collection and what its history says about it, so the
 * collection's properties check it: the standalone protocol (`standalone`, the whole
 * state) or a host service embedding a `TempestCollection` (its slice, its requests).
 */
export interface CollectionLens<S, Rq, Rs> {
  /** Prefixes the properties' names (`''` for the standalone protocol). */
  readonly prefix: string;
  /** The collection in a node's state. */
  readonly state: (s: S) => State;
  /** The add tags an acknowledged operation made. */
  readonly added: (op: Operation<Rq, Rs>) => readonly Tag[];
  /** The add tags an acknowledged operation tombstoned. */
  readonly removed: (op: Operation<Rq, Rs>) => readonly Tag[];
}

/** The standalone protocol: its state is the collection, its replies name the tags. */
export const standalone: CollectionLens<State, Req, Res> = {
  prefix: '',
  state: (s) => s,
  added: (op) => (op.result?.type === 'added' ? [op.result.tag] : op.result?.type === 'added-all' ? op.result.tags : []),
  removed: (op) => (op.result?.type === 'removed' ? op.result.tags : []),
};

/** What the resurrection monitor remembers of one replica (one incarnation of a node). */
interface ReplicaMemory {
  incarnation: number;
  state: State | undefined;
  /** Present tags, with the element of each. */
  present: Map<Tag, string>;
  /** Tags that were present here and then disappeared: removed here. */
  removed: Map<Tag, number>;
}

function presentTags(s: State): Map<Tag, string> {
  const out = new Map<Tag, string>();
  for (const tag in s.adds) if (s.tombs[tag] !== true) out.set(tag, s.adds[tag]!);
  return out;
}

/**
 * Once a replica has seen an element's add removed (the tag was present there and then
 * was not), that add never becomes present there again. Each node is watched from the
 * start of its incarnation: a restarted replica is a new, empty one, which may legitimately
 * receive a tag before its tombstone from a replica that lags too; the global side of the
 * promise, that a removal reaches everyone and sticks, is `removes-stick`.
 */
export function noResurrectionOf<S, Rq, Rs>(lens: CollectionLens<S, Rq, Rs>): Property<S, Rq, Rs> {
  const monitors = new WeakMap<History<Rq, Rs>, Map<string, ReplicaMemory>>();
  return always<S, Rq, Rs>(`${lens.prefix}no-resurrection`, 'an add that a replica has seen removed never becomes present at that replica again', (view) => {
    let memory = monitors.get(view.history);
    if (memory === undefined) monitors.set(view.history, (memory = new Map()));
    for (const n of view.nodes) {
      const s = n.state === undefined ? undefined : lens.state(n.state);
      if (s === undefined) {
        // Down: whatever comes up next is a new replica (its random incarnation could repeat).
        memory.delete(n.id);
        continue;
      }
      let m = memory.get(n.id);
      if (m === undefined || m.incarnation !== s.incarnation) {
        m = { incarnation: s.incarnation, state: undefined, present: new Map(), removed: new Map() };
        memory.set(n.id, m);
      }
      if (m.state === s) continue;
      const present = presentTags(s);
      for (const [tag, elem] of present) {
        const at = m.removed.get(tag);
        if (at !== undefined)
          return `${elem} (added by ${tag}) was removed at ${n.id} at ${at.toFixed(3)} ms and is present there again at ${view.nowMs.toFixed(3)} ms`;
      }
      for (const tag of m.present.keys()) if (!present.has(tag)) m.removed.set(tag, view.nowMs);
      m.state = s;
      m.present = present;
    }
    return true;
  });
}

export const noResurrection: Property<State, Req, Res> = noResurrectionOf(standalone);

/**
 * An `eventually` property: for every acknowledged update, each tag it names (`tagsOf`) is
 * held by every live replica (`holds`). Used for adds (the tag is known) and removes (the
 * tag is tombstoned).
 */
function everyLiveReplicaHolds<S, Rq, Rs>(
  lens: CollectionLens<S, Rq, Rs>,
  name: string,
  description: string,
  tagsOf: (op: Operation<Rq, Rs>) => readonly Tag[],
  holds: (s: State, tag: Tag) => boolean,
  what: string,
): Property<S, Rq, Rs> {
  return eventually<S, Rq, Rs>(`${lens.prefix}${name}`, description, (view: SystemView<S, Rq, Rs>) => {
    const live = liveStates(view as SystemView<S, unknown, unknown>);
    for (const op of view.history) {
      if (op.status !== 'ok' || op.result === undefined) continue;
      for (const tag of tagsOf(op))
        for (const r of live) if (!holds(lens.state(r.state), tag)) return `${(op.req as { type: string }).type} ${op.id} (acknowledged by ${op.node}, tag ${tag}): ${r.id} ${what}`;
    }
    return true;
  });
}

/** After healing, every acknowledged add is known (as an add, tombstoned or not) to every live replica. */
export function acknowledgedAddsSurviveOf<S, Rq, Rs>(lens: CollectionLens<S, Rq, Rs>): Property<S, Rq, Rs> {
  return everyLiveReplicaHolds(
    lens,
    'acknowledged-adds-survive',
    'after healing and the quiet period, every live replica holds the tag of every acknowledged add',
    lens.added,
    (s, tag) => s.adds[tag] !== undefined,
    'does not have the add',
  );
}

/** After healing, every tag an acknowledged remove removed is tombstoned at every live replica. */
export function removesStickOf<S, Rq, Rs>(lens: CollectionLens<S, Rq, Rs>): Property<S, Rq, Rs> {
  return everyLiveReplicaHolds(
    lens,
    'removes-stick',
    'after healing and the quiet period, every add observed by an acknowledged remove is tombstoned at every live replica, so the element it added is gone unless it was added again',
    lens.removed,
    (s, tag) => s.tombs[tag] === true,
    'has no tombstone for it',
  );
}

/** The replicated collection: what must be equal once the quiet period (the convergence bound) is over. */
export function convergesWithinBoundOf<S, Rq, Rs>(lens: CollectionLens<S, Rq, Rs>): Property<S, Rq, Rs> {
  return converges<S, Rq, Rs>(
    `${lens.prefix}converges-within-bound`,
    'at the end of the quiet period, which is the convergence bound of 2(n-1) gossip rounds after the last client update, every live replica holds the same tags and tombstones',
    (s) => ({ adds: lens.state(s).adds, tombs: lens.state(s).tombs }),
  );
}

export const acknowledgedAddsSurvive = acknowledgedAddsSurviveOf(standalone);
export const removesStick = removesStickOf(standalone);
export const convergesWithinBound = convergesWithinBoundOf(standalone);

export const properties: readonly Property<State, Req, Res>[] = [noResurrection, readsSeeReplicaRemoves, removesStick, acknowledgedAddsSurvive, convergesWithinBound];
