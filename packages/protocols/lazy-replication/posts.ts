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
 * lists converge.
 *
 * A post can be applied by two front ends, when one takes the client over (front-end.ts);
 * the client sees one of the two answers, and neither front end knows which. A copy
 * applied `blind` (by a front end that did not know the client's previous answer for
 * sure) may lack what its client had seen: listed, it would show the post without what
 * it depends on, before the other copy arrives (seed 265; 109 with partitions), or before
 * it (seed 7: a replica that had just joined applied a post with an empty timestamp). So
 * a blind copy is `tentative`, listed by no read: its answer is stale and marked
 * `takeover`, so the client needs it in none of its sessions. Its origin makes it firm
 * once it knows a later answer to the client given for sure (`Session.uncertain` unset)
 * and has everything that client had seen then: had the client seen the other copy, this
 * replica would have that copy, which replaces a tentative one (`firm`). Of two firm
 * copies every replica keeps the earlier: each was stamped after what its client had seen,
 * and whatever depends on the post followed a listed copy, so it stays after the post
 * (seed 106 with partitions: a listed copy was replaced by a later one).
 */
import type { Bug } from './config.ts';
import { later, type Slot } from './messages.ts';
import type { State } from './state.ts';
import { dominates } from './vector-time.ts';

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

/** Of two copies of one post, whether `a` is kept rather than `b`: a firm one, then the earlier. */
function preferred(a: Slot, b: Slot): boolean {
  if ((a.tentative === undefined) !== (b.tentative === undefined)) return a.tentative === undefined;
  return later(b, a);
}

/** The bug `posts-by-back-end`: by originating incarnation, then by its own entry. */
function byBackEnd(a: Slot, b: Slot): number {
  return a.origin !== b.origin ? (a.origin < b.origin ? -1 : 1) : a.ts[a.origin]! - b.ts[b.origin]!;
}

/** What a read lists: the firm posts (the list itself when all are; else plain copies, never pieces of the state's draft). */
export function listed(list: readonly Slot[] | undefined): readonly Slot[] {
  if (list === undefined) return [];
  return list.every((p) => p.tentative === undefined) ? list : list.filter((p) => p.tentative === undefined).map(firmCopy);
}

/** A plain copy of a post, firm. */
function firmCopy(p: Slot): Slot {
  return { value: p.value, ts: { ...p.ts }, weight: p.weight, origin: p.origin };
}

/** Whether `list` holds a copy of the post with this text (`firmOnly`: a firm one). */
export function hasPost(list: readonly Slot[] | undefined, text: string, firmOnly: boolean): boolean {
  return list !== undefined && list.some((p) => p.value === text && (!firmOnly || p.tentative === undefined));
}

/**
 * Makes firm this replica's tentative posts whose client has since had an answer given
 * for sure, all of whose past this replica has (see above); whether any was.
 */
export function firm(s: State): boolean {
  let changed = false;
  for (const user of Object.keys(s.posts).sort()) {
    const list = s.posts[user]!;
    if (!list.some((p) => p.tentative !== undefined && p.origin === s.id && isSettled(s, p.tentative))) continue;
    s.posts[user] = list.map((p) => {
      return p.tentative === undefined || p.origin !== s.id || !isSettled(s, p.tentative) ? p : firmCopy(p);
    });
    changed = true;
  }
  return changed;
}

function isSettled(s: State, of: NonNullable<Slot['tentative']>): boolean {
  const session = s.sessions[of.client];
  return session !== undefined && session.seq > of.seq && session.uncertain !== true && dominates(s.ts, session.ts);
}
