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

/**
 * The multiset of an array's items' hashes, cached per array: a state's arrays are never
 * changed once made, and a step shares every array it did not change with its parent.
 * `derived` hashes an array made from another by taking out and adding a few items from
 * the other's sums, without visiting the items they share.
 */
export class MultisetHash<T extends object> {
  private readonly sums = new WeakMap<readonly T[], Unordered>();

  constructor(private readonly hash: (x: T) => number) {}

  of(items: readonly T[]): number {
    let u = this.sums.get(items);
    if (u === undefined) {
      u = new Unordered();
      for (const x of items) u.add(this.hash(x), 0);
      this.sums.set(items, u);
    }
    return u.value(1);
  }

  /** `child` is `parent` without `removed` (one of its items, if any) and with `child[addedFrom..addedTo)` added (when its sums are known). */
  derived(parent: readonly T[], child: readonly T[], removed: T | undefined, addedFrom = child.length, addedTo = child.length): void {
    const p = this.sums.get(parent);
    if (p === undefined || this.sums.has(child)) return;
    const u = p.copy();
    if (removed !== undefined) u.remove(this.hash(removed), 0);
    for (let i = addedFrom; i < addedTo; i++) u.add(this.hash(child[i]!), 0);
    this.sums.set(child, u);
  }
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
