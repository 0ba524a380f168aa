/**
 * The assignment's data: per user, a list of posts "ordered by vector timestamp", the
 * posts from one back end in chronological order.
 *
 * A post is stamped like a write (service.ts): with its replica's timestamp just after it,
 * which dominates the stamp of every post that replica had, so its own posts get strictly
 * growing stamps in the order it accepted them, and a post's stamp is strictly larger than
 * that of every post its client had seen. A list is kept sorted by the writes' total
 * order (`later`: the stamp's sum, then the originating incarnation, then the text),
 * which extends the vector order: a post never comes before one with a smaller stamp, so
 * both rules hold. Gossip merges two lists into their sorted union, each text once, so
 * lists converge. A post can be applied by two front ends, when one takes the client over
 * (front-end.ts). Every replica then keeps the earlier copy: whatever depends on the post
 * followed one of the copies, so it stays after the post (partitions, seed 106: the old
 * front end's copy, whose answer was lost, was later than a post that depended on the
 * copy the client saw). A copy is stamped after what its client had seen, except one
 * applied `blind`: served stale, or by a front end that did not know the client's previous
 * answer for sure (seed 7: a replica that had just joined took a post over with an empty
 * timestamp, and it came before the client's earlier posts; seed 109 with partitions: a
 * front end that had answered the client's previous request too, but not last). Its
 * answer starts the client's session afresh, so the client needs no order from it, but
 * the client may have seen the other copy's answer: that one is kept then.
 */
import type { Bug } from './config.ts';
import { later, type Slot } from './messages.ts';

/** The sorted union of two lists of posts, each text once (of a text applied twice, the copy `preferred`). */
export function mergePosts(mine: readonly Slot[], theirs: readonly Slot[], bug: Bug | null): Slot[] {
  const byText = new Map<string, Slot>();
  for (const p of mine) byText.set(p.value, p);
  for (const p of theirs) {
    const other = byText.get(p.value);
    if (other === undefined || preferred(p, other)) byText.set(p.value, p);
  }
  return [...byText.values()].sort(bug === 'posts-by-back-end' ? byBackEnd : (a, b) => (later(a, b) ? 1 : later(b, a) ? -1 : 0));
}

/** Of two copies of one post, whether `a` is kept rather than `b`: one not taken over blind, then the earlier. */
function preferred(a: Slot, b: Slot): boolean {
  if ((a.blind === true) !== (b.blind === true)) return b.blind === true;
  return later(b, a);
}

/** The bug `posts-by-back-end`: by originating incarnation, then by its own entry. */
function byBackEnd(a: Slot, b: Slot): number {
  return a.origin !== b.origin ? (a.origin < b.origin ? -1 : 1) : a.ts[a.origin]! - b.ts[b.origin]!;
}

/** Whether `list` holds a post with this text. */
export function hasPost(list: readonly Slot[] | undefined, text: string): boolean {
  return list !== undefined && list.some((p) => p.value === text);
}
