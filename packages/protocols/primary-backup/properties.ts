import { always, alwaysWithMemory, eventually, type History, type Property, type SystemView } from '@faultline/runtime';
import { indexHistory, perRun } from './history-index.ts';
import type { Req, Res, Store } from './messages.ts';
import type { State } from './state.ts';

/** A simulated time for a message, to the microsecond. */
const ms = (t: number): string => `${t.toFixed(3)} ms`;

type View = SystemView<State, Req, Res>;

/**
 * The replicas whose state counts: up (or paused), members of the view they installed,
 * and that view is the newest installed by any such replica. Every formed view adopts
 * every acknowledged write, so in a correct run these hold every acknowledged write; a
 * stale node holding a write the current view lost does not hide the loss.
 */
export function inSyncReplicas(view: View): { id: string; state: State }[] {
  let newest = -1;
  for (const n of view.nodes) {
    const v = n.state?.view;
    if (n.up && n.state?.status === 'member' && v && v.members.includes(n.id)) newest = Math.max(newest, v.num);
  }
  const out: { id: string; state: State }[] = [];
  for (const n of view.nodes) {
    const s = n.state;
    if (n.up && s?.status === 'member' && s.view?.num === newest && s.view.members.includes(n.id)) out.push({ id: n.id, state: s });
  }
  return out;
}

const lossCache = new WeakMap<History<Req, Res>, { stores: Store['data'][]; puts: number; result: string | true }>();

/** Every acknowledged put is in the store of some in-sync replica. */
export const noLostWrites: Property<State, Req, Res> = always<State, Req, Res>(
  'no-lost-writes',
  'every acknowledged put is present in the store of at least one up replica that is in sync (a member of the newest view)',
  (view) => {
    const idx = indexHistory(view.history);
    if (idx.puts.length === 0) return true;
    const holders = inSyncReplicas(view);
    const stores = holders.map((h) => h.state.store.data);
    const cache = perRun(lossCache, view.history, () => ({ stores: [] as Store['data'][], puts: -1, result: true as string | true }));
    if (cache.puts === idx.puts.length && sameRefs(cache.stores, stores)) return cache.result;
    let result: string | true = true;
    if (holders.length === 0) {
      result = `${idx.puts.length} writes were acknowledged but no up replica is in sync`;
    } else {
      const present = new Set<string>();
      for (const data of stores) for (const key in data) for (const value of data[key]!) present.add(value);
      for (const op of idx.puts) {
        if (op.req.type === 'put' && !present.has(op.req.value)) {
          result =
            `put ${op.id} (${op.req.key}=${op.req.value}) was acknowledged at ${ms(op.completeMs!)} by ${op.node} ` +
            `but none of the in-sync replicas [${holders.map((h) => h.id).join(', ')}] has it`;
          break;
        }
      }
    }
    cache.stores = stores;
    cache.puts = idx.puts.length;
    cache.result = result;
    return result;
  },
  // Its caches, keyed on the history, never change a verdict: `faultline check` checks it on each new state alone.
  { memoryless: true },
);

function sameRefs(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** No two up nodes have installed the same view number with different primaries. */
export const onePrimaryPerView: Property<State, Req, Res> = always<State, Req, Res>(
  'one-primary-per-view',
  'no two up nodes have installed the same view number with different primaries',
  (view) => {
    const primaries = new Map<number, { primary: string; node: string }>();
    for (const n of view.nodes) {
      const v = n.up ? n.state?.view : undefined;
      if (!v) continue;
      const seen = primaries.get(v.num);
      if (seen === undefined) primaries.set(v.num, { primary: v.primary, node: n.id });
      else if (seen.primary !== v.primary) {
        return `view ${v.num} has primary ${seen.primary} at ${seen.node} but ${v.primary} at ${n.id}`;
      }
    }
    return true;
  },
);

type Op = History<Req, Res>[number];

/**
 * What reads-see-acknowledged-writes remembers of a run: the acknowledged puts (per key)
 * and gets in the order they were found acknowledged (as `indexHistory` finds them), and
 * how many of those gets were checked. It is never changed, only replaced, so a search can
 * give one state's memory to each of its successors.
 */
interface ReadsMemory {
  /** History entries looked at, and which of them were still pending then. */
  readonly seen: number;
  readonly open: readonly number[];
  readonly putsByKey: ReadonlyMap<string, readonly Op[]>;
  readonly gets: readonly Op[];
  readonly checked: number;
}

const NOTHING_READ: ReadsMemory = { seen: 0, open: [], putsByKey: new Map(), gets: [], checked: 0 };

/** `m` with the operations acknowledged since it was made (the same object if there are none). */
function acknowledged(m: ReadsMemory, history: History<Req, Res>): ReadsMemory {
  // Not the append-only history remembered: start over, as `indexHistory` does.
  if (history.length < m.seen) m = NOTHING_READ;
  const found: Op[] = [];
  const open: number[] = [];
  // The entries pending last time, then the new ones: in the order `indexHistory` settles them.
  for (let k = 0; k < m.open.length + history.length - m.seen; k++) {
    const i = k < m.open.length ? m.open[k]! : m.seen + k - m.open.length;
    const op = history[i]!;
    if (op.status === 'pending') open.push(i);
    else if (op.status === 'ok') found.push(op);
  }
  if (found.length === 0 && open.length === m.open.length && history.length === m.seen) return m;
  const putsByKey = new Map(m.putsByKey);
  const gets = m.gets.slice();
  for (const op of found) {
    if (op.req.type === 'put') putsByKey.set(op.req.key, [...(putsByKey.get(op.req.key) ?? []), op]);
    else gets.push(op);
  }
  return { seen: history.length, open, putsByKey, gets, checked: m.checked };
}

/**
 * A get returns a value at least as new as every put of the same key that was
 * acknowledged before the get was invoked. "Newer" is the order in which the in-sync
 * replicas applied the puts (values are unique, so a value's position decides). A value
 * that no in-sync replica has (an uncommitted write, later lost) is a violation too.
 * Each get is checked once, when it is found acknowledged (or, while no replica is in
 * sync, at the first view that has one): the property has memory, kept as a monitor's
 * (see `PropertyMonitor`), so that `faultline check` carries it from state to state.
 */
export const readsSeeAcknowledgedWrites: Property<State, Req, Res> = alwaysWithMemory<State, Req, Res, ReadsMemory>(
  'reads-see-acknowledged-writes',
  'a get invoked after a put of the same key was acknowledged returns that value or a newer one, and never a value that was lost',
  {
    initial: NOTHING_READ,
    next: (before, view) => {
      const m = acknowledged(before, view.history);
      if (m.checked >= m.gets.length) return { memory: m, result: true };
      const holders = inSyncReplicas(view);
      if (holders.length === 0) return { memory: m, result: true }; // nothing to order by now; checked again later
      let checked = m.checked;
      const result = ((): string | true => {
        for (; checked < m.gets.length; checked++) {
          const get = m.gets[checked]!;
          if (get.req.type !== 'get' || get.result?.type !== 'get-ok') continue;
          const key = get.req.key;
          const order = longest(holders.map((h) => h.state.store.data[key] ?? []));
          const value = get.result.value;
          const pos = value === null ? -1 : order.indexOf(value);
          if (value !== null && pos < 0) {
            return `get ${get.id} of ${key} returned ${value} (from ${get.node}), which no in-sync replica has`;
          }
          for (const put of m.putsByKey.get(key) ?? []) {
            if (put.req.type !== 'put' || put.completeMs === undefined || put.completeMs >= get.invokeMs) continue;
            const putPos = order.indexOf(put.req.value);
            if (putPos > pos) {
              return (
                `get ${get.id} of ${key}, invoked at ${ms(get.invokeMs)}, returned ${value ?? 'nothing'} (from ${get.node}), ` +
                `but put ${put.id} of ${put.req.value} was acknowledged at ${ms(put.completeMs)}`
              );
            }
          }
        }
        return true;
      })();
      return { memory: { ...m, checked }, result };
    },
  },
);

function longest(lists: readonly (readonly string[])[]): readonly string[] {
  let best: readonly string[] = [];
  for (const l of lists) if (l.length > best.length) best = l;
  return best;
}

/** Once faults have healed and the system is quiet, every up node is a member of one view with one state. */
export const convergesAfterHeal: Property<State, Req, Res> = eventually<State, Req, Res>(
  'converges-after-heal',
  'after healing, every up node is a member of the same view and all have identical stores',
  (view) => {
    let first: { id: string; state: State; data: string } | null = null;
    for (const n of view.nodes) {
      if (!n.up) continue;
      const s = n.state;
      if (s === undefined || s.status !== 'member' || s.view === null || !s.view.members.includes(n.id)) {
        return `${n.id} is up but not a member of a view (status ${s?.status ?? 'unknown'})`;
      }
      const data = JSON.stringify([s.store.seq, s.store.data]);
      if (first === null) {
        first = { id: n.id, state: s, data };
        continue;
      }
      if (s.view.num !== first.state.view!.num || s.view.primary !== first.state.view!.primary) {
        return `${n.id} is in view ${s.view.num} (primary ${s.view.primary}) but ${first.id} in view ${first.state.view!.num} (primary ${first.state.view!.primary})`;
      }
      if (data !== first.data) {
        return `${n.id} (seq ${s.store.seq}) and ${first.id} (seq ${first.state.store.seq}) have different stores`;
      }
    }
    return true;
  },
);

export const properties: readonly Property<State, Req, Res>[] = [
  noLostWrites,
  onePrimaryPerView,
  readsSeeAcknowledgedWrites,
  convergesAfterHeal,
];
