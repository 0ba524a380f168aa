/**
 * The data a front end keeps in the back end, and how a timeline is derived from it.
 *
 * Each front-end generation (one incarnation of one front end) owns two keys: `gen/<fe>#<k>`
 * (non-null once generation k of front end fe exists; written once by it) and
 * `log/<fe>#<k>` (everything that generation was asked to do: posts, follows and the front
 * ends it admitted, the whole log in one JSON value, rewritten on every change by its only
 * writer). A timeline is the union of every generation's log, of every front end found
 * from the founders through the logs' members.
 */
import type { ShownPost } from './messages.ts';

export interface StoredPost {
  /** The client request that made it: a retried post is stored once however many front ends took it. */
  readonly id: string;
  readonly author: string;
  readonly text: string;
  /** The front end's clock when it took the post: orders a timeline (roughly, clocks are skewed). */
  readonly atMs: number;
}

export interface Follow {
  readonly user: string;
  readonly whom: string;
}

export interface GenLog {
  posts: StoredPost[];
  follows: Follow[];
  /** Front ends this generation admitted (they joined through it): readers look for their generations too. */
  members: string[];
}

export const genKey = (frontEnd: string, k: number): string => `gen/${frontEnd}#${k}`;
export const logKey = (frontEnd: string, k: number): string => `log/${frontEnd}#${k}`;

export function emptyLog(): GenLog {
  return { posts: [], follows: [], members: [] };
}

export function parseLog(value: string | null): GenLog {
  if (value === null) return emptyLog();
  const v = JSON.parse(value) as Partial<GenLog>;
  return { posts: Array.isArray(v.posts) ? v.posts : [], follows: Array.isArray(v.follows) ? v.follows : [], members: Array.isArray(v.members) ? v.members : [] };
}

/** `user`'s timeline in the union of `logs`: their own posts and those of everyone they follow, oldest first. */
export function timelineOf(user: string, logs: readonly GenLog[]): ShownPost[] {
  const authors = new Set([user]);
  for (const log of logs) for (const f of log.follows) if (f.user === user) authors.add(f.whom);
  const byId = new Map<string, StoredPost>();
  for (const log of logs) for (const p of log.posts) if (authors.has(p.author) && !byId.has(p.id)) byId.set(p.id, p);
  return [...byId.values()]
    .sort((a, b) => a.atMs - b.atMs || cmp(a.author, b.author) || cmp(a.text, b.text) || cmp(a.id, b.id))
    .map((p) => ({ author: p.author, text: p.text }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
