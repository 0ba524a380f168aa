/**
 * What reads return. A read is answered from the local replica, so it may be stale, but
 * not arbitrary: once a replica has acknowledged a remove, it holds that remove's
 * tombstones until it crashes, so while it stays up it reports the element present only
 * for an add the remove did not observe. `reads-see-replica-removes` checks that for
 * `get` from the history alone: a `get` answered `present` by node N after a remove that
 * N acknowledged (with no crash of N from the remove's invocation to the get's reply)
 * needs an add of the element whose tag that remove did not tombstone, invoked before the
 * get was answered. (A `get` that ignores tombstones, the bug `get-ignores-tombstones`,
 * fails it.)
 */
import { always, type History, type Operation, type Property, type SystemView } from '@faultline/runtime';
import type { Req, Res } from './messages.ts';
import type { State } from './state.ts';

type View = SystemView<State, Req, Res>;
type Op = Operation<Req, Res>;

interface ReadMemory {
  /** Ops before this index are settled (completed or given up) and checked. */
  settled: number;
  checked: Set<string>;
  /** Per node: when it was seen down, in order. */
  crashes: Map<string, number[]>;
  /** Per node: whether it was up at the last check. */
  up: Map<string, boolean>;
}

const memories = new WeakMap<History<Req, Res>, ReadMemory>();

function memoryOf(view: View): ReadMemory {
  let m = memories.get(view.history);
  if (m === undefined) memories.set(view.history, (m = { settled: 0, checked: new Set(), crashes: new Map(), up: new Map() }));
  return m;
}

function crashedBetween(m: ReadMemory, node: string, fromMs: number, toMs: number): boolean {
  return (m.crashes.get(node) ?? []).some((t) => t >= fromMs && t <= toMs);
}

/** Why `get` is wrong, or undefined. */
function checkGet(m: ReadMemory, history: History<Req, Res>, get: Op, elem: string): string | undefined {
  if (get.result?.type !== 'got' || !get.result.present || get.node === undefined) return undefined;
  const node = get.node;
  const answered = get.completeMs!;
  const tombstoned = new Set<string>();
  let remove: Op | undefined;
  for (const r of history) {
    if (r.req.type !== 'remove' || r.req.elem !== elem || r.status !== 'ok' || r.node !== node) continue;
    if (r.completeMs! >= get.invokeMs || r.result?.type !== 'removed' || crashedBetween(m, node, r.invokeMs, answered)) continue;
    for (const t of r.result.tags) tombstoned.add(t);
    remove ??= r;
  }
  if (remove === undefined) return undefined;
  const explained = history.some((a) => a.req.type === 'add' && a.req.elem === elem && a.invokeMs < answered && !tombstoned.has(a.id));
  if (explained) return undefined;
  return `get ${elem} ${get.id} answered present by ${node} at ${answered.toFixed(3)} ms, but ${node} had acknowledged remove ${remove.id} of every add of ${elem} invoked before then (no crash in between)`;
}

export const readsSeeReplicaRemoves: Property<State, Req, Res> = always<State, Req, Res>(
  'reads-see-replica-removes',
  'a replica that acknowledged a remove (and has not crashed since) reports the element present only for an add that remove did not observe',
  (view: View) => {
    const m = memoryOf(view);
    for (const n of view.nodes) {
      const up = n.state !== undefined;
      if (m.up.get(n.id) === true && !up) m.crashes.set(n.id, [...(m.crashes.get(n.id) ?? []), view.nowMs]);
      m.up.set(n.id, up);
    }
    const h = view.history;
    let allSettled = true;
    for (let i = m.settled; i < h.length; i++) {
      const op = h[i]!;
      if (op.status === 'pending') {
        allSettled = false;
        continue;
      }
      if (allSettled) m.settled = i + 1;
      if (m.checked.has(op.id)) continue;
      m.checked.add(op.id);
      if (op.status === 'ok' && op.req.type === 'get') {
        const wrong = checkGet(m, h, op, op.req.elem);
        if (wrong !== undefined) return wrong;
      }
    }
    return true;
  },
);
