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
 * both rules hold. Gossip merges two lists into their sorted union, each text once (a
 * post applied by two front ends, one taking the client over, keeps the later copy, on
 * every replica alike), so lists converge.
 */
import type { Bug } from './config.ts';
import { later, type Slot } from './messages.ts';

/** The sorted union of two lists of posts, each text once (the later copy of a text applied twice). */
export function mergePosts(mine: readonly Slot[], theirs: readonly Slot[], bug: Bug | null): Slot[] {
  const byText = new Map<string, Slot>();
  for (const p of mine) byText.set(p.value, p);
  for (const p of theirs) {
    const other = byText.get(p.value);
    if (other === undefined || later(p, other)) byText.set(p.value, p);
  }
  return [...byText.values()].sort(bug === 'posts-by-back-end' ? byBackEnd : (a, b) => (later(a, b) ? 1 : later(b, a) ? -1 : 0));
}

/** The bug `posts-by-back-end`: by originating incarnation, then by its own entry. */
function byBackEnd(a: Slot, b: Slot): number {
  return a.origin !== b.origin ? (a.origin < b.origin ? -1 : 1) : a.ts[a.origin]! - b.ts[b.origin]!;
}

/** Whether `list` holds a post with this text. */
export function hasPost(list: readonly Slot[] | undefined, text: string): boolean {
  return list !== undefined && list.some((p) => p.value === text);
}
