import { always, converges, eventually, liveStates, type History, type Property, type SystemView } from '@faultline/runtime';
import type { Req, Res, Tag } from './messages.ts';
import type { State } from './state.ts';
import { readsSeeReplicaRemoves } from './reads.ts';

type View = SystemView<State, Req, Res>;

/** What the resurrection monitor remembers of one replica (one incarnation of a node). */
interface ReplicaMemory {
  incarnation: number;
  state: State | undefined;
  /** Present tags, with the element of each. */
  present: Map<Tag, string>;
  /** Tags that were present here and then disappeared: removed here. */
  removed: Map<Tag, number>;
}

const monitors = new WeakMap<History<Req, Res>, Map<string, ReplicaMemory>>();

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
export const noResurrection: Property<State, Req, Res> = always<State, Req, Res>(
  'no-resurrection',
  'an add that a replica has seen removed never becomes present at that replica again',
  (view: View) => {
    let memory = monitors.get(view.history);
    if (memory === undefined) monitors.set(view.history, (memory = new Map()));
    for (const n of view.nodes) {
      const s = n.state;
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
  },
);

/**
 * An `eventually` property: for every acknowledged update, each tag it names (`tagsOf`) is
 * held by every live replica (`holds`). Used for adds (the tag is known) and removes (the
 * tag is tombstoned).
 */
function everyLiveReplicaHolds(
  name: string,
  description: string,
  tagsOf: (res: Res) => readonly Tag[],
  holds: (s: State, tag: Tag) => boolean,
  what: string,
): Property<State, Req, Res> {
  return eventually<State, Req, Res>(name, description, (view: View) => {
    const live = liveStates(view);
    for (const op of view.history) {
      if (op.status !== 'ok' || op.result === undefined) continue;
      for (const tag of tagsOf(op.result))
        for (const r of live) if (!holds(r.state, tag)) return `${op.req.type} ${op.id} (acknowledged by ${op.node}, tag ${tag}): ${r.id} ${what}`;
    }
    return true;
  });
}

/** After healing, every acknowledged add is known (as an add, tombstoned or not) to every live replica. */
export const acknowledgedAddsSurvive: Property<State, Req, Res> = everyLiveReplicaHolds(
  'acknowledged-adds-survive',
  'after healing and the quiet period, every live replica holds the tag of every acknowledged add',
  (res) => (res.type === 'added' ? [res.tag] : []),
  (s, tag) => s.adds[tag] !== undefined,
  'does not have the add',
);

/** After healing, every tag an acknowledged remove removed is tombstoned at every live replica. */
export const removesStick: Property<State, Req, Res> = everyLiveReplicaHolds(
  'removes-stick',
  'after healing and the quiet period, every add observed by an acknowledged remove is tombstoned at every live replica, so the element it added is gone unless it was added again',
  (res) => (res.type === 'removed' ? res.tags : []),
  (s, tag) => s.tombs[tag] === true,
  'has no tombstone for it',
);

/** The replicated collection: what must be equal once the quiet period (the convergence bound) is over. */
export const convergesWithinBound: Property<State, Req, Res> = converges<State, Req, Res>(
  'converges-within-bound',
  'at the end of the quiet period, which is the convergence bound of 2(n-1) gossip rounds after the last client update, every live replica holds the same tags and tombstones',
  (s) => ({ adds: s.adds, tombs: s.tombs }),
);

export const properties: readonly Property<State, Req, Res>[] = [noResurrection, readsSeeReplicaRemoves, removesStick, acknowledgedAddsSurvive, convergesWithinBound];
