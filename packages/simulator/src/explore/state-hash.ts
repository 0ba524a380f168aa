import type { ClientRequest, InFlight, ModelNode, Response } from './model-state.ts';
import { Mixer, Unordered, structuralHash } from './structural-hash.ts';

/**
 * The parts of a model state's hash (see `CheckModel.hash`). A state shares its unchanged
 * nodes, messages and requests with its parent (by identity), so each part's hash is
 * cached by identity and a step rehashes only what it changed.
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

/** The multiset of `items`' hashes. */
export function unorderedOf<T>(items: readonly T[], hash: (x: T) => number): number {
  const u = new Unordered();
  for (const x of items) u.add(hash(x), 0);
  return u.value(1);
}

/** Messages per FIFO link in send order, the links in any order: the multiset of (message, its place on its link). */
export function linkOrderedHash(msgs: readonly InFlight[]): number {
  const u = new Unordered();
  const places = new Map<string, number>();
  for (const x of msgs) {
    const link = `${x.from}>${x.to}`;
    const place = places.get(link) ?? 0;
    places.set(link, place + 1);
    u.add(msgHash(x), place);
  }
  return u.value(2);
}
