/**
 * What a twitter service must do, checked on the client history (what the front ends
 * answered) and on the back ends' stores.
 */
import { always, eventually, type History, type NodeId, type Operation, type Property, type SystemView } from '@faultline/runtime';
import { convergesAfterHeal, onePrimaryPerView, type State as PbState } from '../../packages/protocols/primary-backup/index.ts';
import { parseLog, timelineOf, type GenLog } from './log.ts';
import type { Req, Res, ShownPost } from './messages.ts';
import type { State } from './state.ts';

type View = SystemView<State, Req, Res>;
type Op = Operation<Req, Res>;

/** Per run, how far every op before `next` has been settled and checked. */
interface Cursor {
  next: number;
  checked: Set<string>;
}

/** Calls `check` once on every acknowledged timeline of the history, as it is acknowledged; the first failure is returned. */
function eachTimeline(cursors: WeakMap<History<Req, Res>, Cursor>, history: History<Req, Res>, check: (op: Op, posts: readonly ShownPost[]) => string | true): string | true {
  let cursor = cursors.get(history);
  if (cursor === undefined) cursors.set(history, (cursor = { next: 0, checked: new Set() }));
  let settledPrefix = true;
  for (let i = cursor.next; i < history.length; i++) {
    const op = history[i]!;
    if (op.status === 'pending') {
      settledPrefix = false;
      continue;
    }
    if (!cursor.checked.has(op.id)) {
      cursor.checked.add(op.id);
      if (op.status === 'ok' && op.req.type === 'timeline' && op.result?.type === 'timeline') {
        const verdict = check(op, op.result.posts);
        if (verdict !== true) return verdict;
      }
    }
    if (settledPrefix) {
      cursor.next = i + 1;
      cursor.checked.delete(op.id);
    }
  }
  return true;
}

const shows = (posts: readonly ShownPost[], author: string, text: string): boolean => posts.some((p) => p.author === author && p.text === text);

const rywCursors = new WeakMap<History<Req, Res>, Cursor>();

export const readYourPosts: Property<State, Req, Res> = always<State, Req, Res>(
  'read-your-posts',
  "a timeline shows every post of its user that was acknowledged before the timeline was asked for, whichever front ends took them",
  (view: View) =>
    eachTimeline(rywCursors, view.history, (t, posts) => {
      for (const p of view.history) {
        if (p.req.type !== 'post' || p.status !== 'ok' || p.req.user !== t.req.user || p.completeMs! >= t.invokeMs) continue;
        if (!shows(posts, p.req.user, p.req.text)) {
          return `timeline ${t.id} of ${t.req.user} from ${t.node} (asked at ${t.invokeMs.toFixed(3)} ms) lacks post ${p.id} "${p.req.text}", acknowledged by ${p.node} at ${p.completeMs!.toFixed(3)} ms`;
        }
      }
      return true;
    }),
);

const inventCursors = new WeakMap<History<Req, Res>, Cursor>();

export const noInventedPosts: Property<State, Req, Res> = always<State, Req, Res>(
  'no-invented-posts',
  'a timeline shows only posts some client asked for, by its user or by someone its user asked to follow',
  (view: View) =>
    eachTimeline(inventCursors, view.history, (t, posts) => {
      const user = t.req.user;
      for (const shown of posts) {
        const asked = view.history.some((o) => o.req.type === 'post' && o.req.user === shown.author && o.req.text === shown.text && o.invokeMs <= t.completeMs!);
        if (!asked) return `timeline ${t.id} of ${user} from ${t.node} shows "${shown.text}" by ${shown.author}, which nobody posted`;
        const followed =
          shown.author === user || view.history.some((o) => o.req.type === 'follow' && o.req.user === user && o.req.whom === shown.author && o.invokeMs <= t.completeMs!);
        if (!followed) return `timeline ${t.id} of ${user} from ${t.node} shows a post by ${shown.author}, whom ${user} never asked to follow`;
      }
      return true;
    }),
);

/** The timeline of `user` as a back end's store has it: the union of the newest value of every generation's log. */
export function storedTimeline(store: PbState['store'], user: string): ShownPost[] {
  const logs: GenLog[] = [];
  for (const key of Object.keys(store.data).sort()) {
    const values = store.data[key]!;
    if (key.startsWith('log/') && values.length > 0) logs.push(parseLog(values[values.length - 1]!));
  }
  return timelineOf(user, logs);
}

export function followerTimelinesConverge(backEnds: readonly NodeId[]): Property<State, Req, Res> {
  return eventually<State, Req, Res>(
    'follower-timelines-converge',
    "after healing, every back end derives the same timelines, and each user's shows every acknowledged post of the user and of everyone the user was acknowledged to follow",
    (view: View) => {
      const users = [...new Set(view.history.map((o) => o.req.user))].sort();
      let first: { id: NodeId; timelines: string } | null = null;
      for (const n of view.nodes) {
        const back = n.state?.lower;
        if (!n.up || !backEnds.includes(n.id) || back === null || back === undefined) continue;
        const timelines = users.map((u) => storedTimeline(back.store, u));
        for (const [i, u] of users.entries()) {
          for (const o of view.history) {
            if (o.status !== 'ok' || o.req.type !== 'post') continue;
            const author = o.req.user;
            const followed =
              author === u || view.history.some((f) => f.status === 'ok' && f.req.type === 'follow' && f.req.user === u && f.req.whom === author);
            if (followed && !shows(timelines[i]!, author, o.req.text)) return `${n.id}'s store gives ${u} a timeline without "${o.req.text}" by ${author} (post ${o.id}, acknowledged)`;
          }
        }
        const text = JSON.stringify(timelines);
        if (first === null) first = { id: n.id, timelines: text };
        else if (first.timelines !== text) return `${first.id} and ${n.id} derive different timelines`;
      }
      return true;
    },
  );
}

/** A primary-backup property checked on the back ends alone (their states, no client history: the clients are the front ends). */
function onBackEnds(p: Property<PbState, unknown, unknown>, backEnds: readonly NodeId[]): Property<State, Req, Res> {
  return {
    name: `back-end:${p.name}`,
    kind: p.kind,
    description: `primary-backup's own: ${p.description}`,
    check: (view: View) =>
      p.check({
        nowMs: view.nowMs,
        phase: view.phase,
        history: [],
        nodes: view.nodes.filter((n) => backEnds.includes(n.id)).map((n) => ({ id: n.id, up: n.up, paused: n.paused, state: n.state?.lower ?? undefined })),
      }),
  };
}

export function properties(backEnds: readonly NodeId[]): Property<State, Req, Res>[] {
  return [
    readYourPosts,
    noInventedPosts,
    followerTimelinesConverge(backEnds),
    onBackEnds(onePrimaryPerView as Property<PbState, unknown, unknown>, backEnds),
    onBackEnds(convergesAfterHeal as Property<PbState, unknown, unknown>, backEnds),
  ];
}
