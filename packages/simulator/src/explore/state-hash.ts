import type { Operation } from '@faultline/runtime';
import type { ClientRequest, InFlight, ModelNode, Response } from './model-state.ts';
import { Mixer, Unordered, structuralHash } from './structural-hash.ts';

/**
 * The parts of a model state's hash (see `CheckModel.hash`). A state shares its unchanged
 * nodes, messages and requests with its parent (by identity), so each part's hash is
 * cached by identity and a step rehashes only what it changed: a part's array too (a step
 * that changed no node keeps its parent's array of them), and the multiset of messages in
 * flight is updated from its parent's by what the step delivered and sent (`deriveMsgs`).
 */

function cached<T extends object>(compute: (x: T, m: Mixer) => number): (x: T) => number {
  const memo = new WeakMap<T, number>();
  // One mixer per part: no part's hash is computed inside another's of the same kind.
  const mixer = new Mixer();
  return (x) => {
    const hit = memo.get(x);
    if (hit !== undefined) return hit;
    const h = compute(x, mixer.reset(0));
    memo.set(x, h);
    return h;
  };
}

/** Started, up, the protocol state and the armed timers' tags (not their due times). */
export const nodeHash = cached<ModelNode>((n, m) => {
  m.int((n.started ? 1 : 0) | (n.up ? 2 : 0)).num(structuralHash(n.state)).int(n.timers.length);
  for (const t of n.timers) m.text(t.tag);
  return m.value();
});

/** Link, whether it is a duplicate's copy, and the message. */
export const msgHash = cached<InFlight>((x, m) => m.text(x.from).text(x.to).int(x.copy ? 1 : 0).num(structuralHash(x.msg)).value());

export const requestHash = cached<ClientRequest>((r, m) => m.text(r.op).text(r.node).int(r.redirects).value());

export const responseHash = cached<Response>((r, m) => m.text(r.op).text(r.node).num(structuralHash(r.result)).value());

/** The nodes in order. */
export const nodesHash = cached<readonly ModelNode[]>((ns, m) => {
  for (const n of ns) m.num(nodeHash(n));
  return m.value();
});

export const requestsHash = cached<readonly ClientRequest[]>((rs) => unorderedOf(rs, requestHash));

export const responsesHash = cached<readonly Response[]>((rs) => unorderedOf(rs, responseHash));

/** The history by place: a pending operation's attempts, a completed one's status and result. */
export const opsHash = cached<readonly Operation[]>((ops, m) => {
  for (const op of ops) {
    if (op.status === 'pending') m.int(0).int(op.attempts);
    else m.int(1).text(op.status).num(structuralHash(op.result));
  }
  return m.value();
});

/** Messages in any order (links that reorder): their multiset, kept per array (see `deriveMsgs`). */
const msgSets = new WeakMap<readonly InFlight[], Unordered>();

export function msgSetHash(msgs: readonly InFlight[]): number {
  let u = msgSets.get(msgs);
  if (u === undefined) {
    u = new Unordered();
    for (const x of msgs) u.add(msgHash(x), 0);
    msgSets.set(msgs, u);
  }
  return u.value(1);
}

/**
 * `child` is `parent` without `removed` (if given) and with `added`'s messages from place
 * `from` on: its multiset is its parent's updated by those, not rebuilt from every
 * message. The sums are exact (see `Unordered.remove`), so the hash is the one rebuilding
 * would give. A parent never hashed leaves the child to be hashed whole when it is.
 */
export function deriveMsgs(child: readonly InFlight[], parent: readonly InFlight[], removed: InFlight | undefined, added: readonly InFlight[] = [], from = 0): void {
  const base = msgSets.get(parent);
  if (base === undefined) return;
  const u = base.copy();
  if (removed !== undefined) u.remove(msgHash(removed), 0);
  for (let i = from; i < added.length; i++) u.add(msgHash(added[i]!), 0);
  msgSets.set(child, u);
}

/** The multiset of `items`' hashes. */
export function unorderedOf<T>(items: readonly T[], hash: (x: T) => number): number {
  const u = new Unordered();
  for (const x of items) u.add(hash(x), 0);
  return u.value(1);
}

/** Messages per FIFO link in send order, the links in any order: the multiset of (message, its place on its link). */
export const linkOrderedHash = cached<readonly InFlight[]>((msgs) => {
  const u = new Unordered();
  const places = new Map<string, number>();
  for (const x of msgs) {
    const link = `${x.from}>${x.to}`;
    const place = places.get(link) ?? 0;
    places.set(link, place + 1);
    u.add(msgHash(x), place);
  }
  return u.value(2);
});
