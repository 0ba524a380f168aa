/**
 * What reads return. A read is answered from the local replica, so it may be stale, but
 * not arbitrary: once a replica has acknowledged a remove, it holds that remove's
 * tombstones until it crashes, so while it stays up it reports the element present only
 * for an add the remove did not observe. `reads-see-replica-removes` checks that for
 * `get` from the history alone: a `get` answered `present` by node N after a remove that
 * N acknowledged (with no crash of N from the remove's invocation to the get's reply)
 * needs an add of the element whose tag that remove did not tombstone, invoked before the
 * get was answered; the same for each element an `iterate` lists. A `clear` is a remove of every element, an `addAll` an add of each
 * of its elements. (A `get` that ignores tombstones, the bug `get-ignores-tombstones`,
 * fails it.) A host embedding a `TempestCollection` checks its own requests by saying
 * what each is to the collection (`ReadLens`).
 *
 * `reads-see-replica-adds` is the other half, for a collection that nothing removes from
 * (the shopping list's pantry; the lens reports no remove): a read answered by node N
 * after N acknowledged an add (no crash of N from the add's invocation to the read's
 * reply) reports the element present. A remove the lens does report, invoked before the
 * read was answered, excuses the element.
 */
import { always, type History, type Operation, type Property, type SystemView } from '@faultline/runtime';
import type { Req, Res, Tag } from './messages.ts';
import { batchTag } from './requests.ts';
import type { State } from './state.ts';

/** What an operation of the history is to the collection. */
export type CollectionOp =
  /** A read: the elements it reported present (a get's one, or none; an iterate's all). */
  | { readonly kind: 'read'; readonly present: readonly string[] }
  /** `elem` null: every element (a clear). `tags`: what it tombstoned (known once acknowledged). */
  | { readonly kind: 'remove'; readonly elem: string | null; readonly tags: readonly Tag[] }
  /** The elements it adds, each with its tag. */
  | { readonly kind: 'add'; readonly adds: readonly (readonly [string, Tag])[] };

/** Says what an operation is to the collection (undefined: nothing it checks). */
export type ReadLens<Rq, Rs> = (op: Operation<Rq, Rs>) => CollectionOp | undefined;

/** The standalone protocol's requests. */
export const standaloneReads: ReadLens<Req, Res> = (op) => {
  const req = op.req;
  const res = op.result;
  switch (req.type) {
    case 'get':
      return { kind: 'read', present: res?.type === 'got' && res.present ? [req.elem] : [] };
    case 'iterate':
      return { kind: 'read', present: res?.type === 'elements' ? res.elems : [] };
    case 'remove':
    case 'clear':
      return res?.type === 'removed' ? { kind: 'remove', elem: req.type === 'remove' ? req.elem : null, tags: res.tags } : undefined;
    case 'add':
      return { kind: 'add', adds: [[req.elem, op.id]] };
    case 'addAll':
      return { kind: 'add', adds: req.elems.map((e, i) => [e, batchTag(op.id, i)] as const) };
    default:
      return undefined;
  }
};

interface ReadMemory {
  /** Ops before this index are settled (completed or given up) and checked. */
  settled: number;
  checked: Set<string>;
  /** Per node: when it was seen down, in order. */
  crashes: Map<string, number[]>;
  /** Per node: whether it was up at the last check. */
  up: Map<string, boolean>;
}

function crashedBetween(m: ReadMemory, node: string, fromMs: number, toMs: number): boolean {
  return (m.crashes.get(node) ?? []).some((t) => t >= fromMs && t <= toMs);
}

/** Why a read reporting `elem` present is wrong, or undefined. */
function checkGet<Rq, Rs>(lens: ReadLens<Rq, Rs>, m: ReadMemory, history: History<Rq, Rs>, get: Operation<Rq, Rs>, elem: string): string | undefined {
  if (get.node === undefined) return undefined;
  const node = get.node;
  const answered = get.completeMs!;
  const tombstoned = new Set<string>();
  let remove: Operation<Rq, Rs> | undefined;
  for (const r of history) {
    if (r.status !== 'ok' || r.node !== node || r.completeMs! >= get.invokeMs) continue;
    const c = lens(r);
    if (c?.kind !== 'remove' || (c.elem !== null && c.elem !== elem) || crashedBetween(m, node, r.invokeMs, answered)) continue;
    for (const t of c.tags) tombstoned.add(t);
    remove ??= r;
  }
  if (remove === undefined) return undefined;
  const explained = history.some((a) => {
    const c = a.invokeMs < answered ? lens(a) : undefined;
    return c?.kind === 'add' && c.adds.some(([e, tag]) => e === elem && !tombstoned.has(tag));
  });
  if (explained) return undefined;
  return `${(get.req as { type: string }).type} ${elem} ${get.id} answered present by ${node} at ${answered.toFixed(3)} ms, but ${node} had acknowledged remove ${remove.id} of every add of ${elem} invoked before then (no crash in between)`;
}

/** Why a read that reported only `present` is wrong: an add its replica acknowledged before the read, of an element it leaves out. */
function checkMissing<Rq, Rs>(lens: ReadLens<Rq, Rs>, m: ReadMemory, history: History<Rq, Rs>, read: Operation<Rq, Rs>, present: readonly string[]): string | undefined {
  if (read.node === undefined) return undefined;
  const node = read.node;
  const answered = read.completeMs!;
  const listed = new Set(present);
  const removed = (elem: string) =>
    history.some((r) => {
      const c = r.invokeMs < answered ? lens(r) : undefined;
      return c?.kind === 'remove' && (c.elem === null || c.elem === elem);
    });
  for (const a of history) {
    if (a.status !== 'ok' || a.node !== node || a.completeMs! >= read.invokeMs) continue;
    const c = lens(a);
    if (c?.kind !== 'add' || crashedBetween(m, node, a.invokeMs, answered)) continue;
    const missing = c.adds.find(([e]) => !listed.has(e) && !removed(e));
    if (missing !== undefined)
      return `${(read.req as { type: string }).type} ${read.id} answered by ${node} at ${answered.toFixed(3)} ms leaves out ${missing[0]}, added by ${a.id} (tag ${missing[1]}), which ${node} had acknowledged (no crash in between, nothing removes it)`;
  }
  return undefined;
}

/** Why a read reporting each of `present` is wrong (`checkGet`), or undefined. */
function checkPresent<Rq, Rs>(lens: ReadLens<Rq, Rs>, m: ReadMemory, history: History<Rq, Rs>, read: Operation<Rq, Rs>, present: readonly string[]): string | undefined {
  for (const elem of present) {
    const wrong = checkGet(lens, m, history, read, elem);
    if (wrong !== undefined) return wrong;
  }
  return undefined;
}

export function readsSeeReplicaRemovesOf<S, Rq, Rs>(prefix: string, lens: ReadLens<Rq, Rs>): Property<S, Rq, Rs> {
  const says = 'a replica that acknowledged a remove (and has not crashed since) reports the element present only for an add that remove did not observe';
  return readProperty(`${prefix}reads-see-replica-removes`, says, lens, checkPresent);
}

/** For a collection nothing removes from: a replica that acknowledged an add (and has not crashed since) reports its element in every read. */
export function readsSeeReplicaAddsOf<S, Rq, Rs>(prefix: string, lens: ReadLens<Rq, Rs>): Property<S, Rq, Rs> {
  const says = 'a replica that acknowledged an add (and has not crashed since) reports the element in every read it answers later, unless a remove of it was invoked before';
  return readProperty(`${prefix}reads-see-replica-adds`, says, lens, checkMissing);
}

/** An `always` property checking each settled read once, by `check`, with the crashes seen so far. */
function readProperty<S, Rq, Rs>(
  name: string,
  description: string,
  lens: ReadLens<Rq, Rs>,
  check: (lens: ReadLens<Rq, Rs>, m: ReadMemory, history: History<Rq, Rs>, read: Operation<Rq, Rs>, present: readonly string[]) => string | undefined,
): Property<S, Rq, Rs> {
  const memories = new WeakMap<History<Rq, Rs>, ReadMemory>();
  return always<S, Rq, Rs>(
    name,
    description,
    (view: SystemView<S, Rq, Rs>) => {
      let m = memories.get(view.history);
      if (m === undefined) memories.set(view.history, (m = { settled: 0, checked: new Set(), crashes: new Map(), up: new Map() }));
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
        const c = op.status === 'ok' ? lens(op) : undefined;
        const wrong = c?.kind === 'read' ? check(lens, m, h, op, c.present) : undefined;
        if (wrong !== undefined) return wrong;
      }
      return true;
    },
  );
}

export const readsSeeReplicaRemoves: Property<State, Req, Res> = readsSeeReplicaRemovesOf('', standaloneReads);
