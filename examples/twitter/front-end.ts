/**
 * The front end: takes client requests one at a time and turns each into back-end
 * operations, acting as one client of the back end (one request in flight, numbered, resent
 * on a timer to the next back end, following redirects).
 *
 * - A front end that is not a founder first asks the front ends it knows to admit it
 *   (`join`, resent on its timer) and serves nothing until one answers `welcome`.
 * - At start (or once admitted) it claims a new generation: it reads `gen/<self>#1`, `#2`,
 *   ... up to the first empty one and writes it. Client requests wait until then.
 * - join from another front end: add it to this generation's log's members and write the
 *   log; once the write is acknowledged, answer `welcome`.
 * - post/follow: append to this generation's log and write the whole log; answer once the
 *   write is acknowledged.
 * - timeline: for every other front end, probe for generations newer than known; then read
 *   every generation's log (this one's is in memory); repeat for front ends found in those
 *   logs' members; answer with the union of the logs.
 */
import type { Answer, ClientId, RequestId, UpperContext } from '@faultline/runtime';
import type { Req as PbReq, Res as PbRes } from '../../packages/protocols/primary-backup/index.ts';
import { genKey, logKey, parseLog, timelineOf, type GenLog } from './log.ts';
import type { FrontMsg, Req, Res } from './messages.ts';
import type { Call, FrontState, Job, Purpose } from './state.ts';

export type FrontCtx = UpperContext<FrontState, FrontMsg, Res, 'tick', PbReq>;
type Ctx = FrontCtx;

export const FRONT_TIMING = {
  /** The front end's timer: resends of a back-end call. */
  tickMs: 40,
  /** A back-end call unanswered this long goes to the next back end. */
  callTimeoutMs: 120,
} as const;

export const FRONT_LIMITS = {
  /** Sends of one back-end call before the front end gives up on it (and on the client's request, which the client retries). */
  maxCallSends: 60,
  /** Client requests waiting behind the current one; more are dropped (the client retries). */
  maxQueue: 32,
  /** Answered client requests remembered for retries. */
  maxDone: 64,
  /** Generations per front end (restarts); past it a front end stops serving and says so. */
  maxGenerations: 64,
} as const;

/** True for the `front-end-cache` bug: timelines come from generations read once and never read again. */
export type CacheBug = boolean;

function front(ctx: Ctx): FrontState {
  return ctx.state as FrontState;
}

export function startFront(ctx: Ctx, cacheBug: CacheBug): void {
  const f = front(ctx);
  f.pbClient = `${ctx.self}/${ctx.randomInt(1_000_000_000)}`;
  ctx.setTimer('tick', FRONT_TIMING.tickMs);
  if (!f.joined) return askToJoin(ctx);
  advance(ctx, cacheBug);
}

function askToJoin(ctx: Ctx): void {
  front(ctx).joinSentMs = ctx.now();
  ctx.broadcast({ type: 'join' });
}

/** A message from another front end: a request to be admitted, or this one's admission. */
export function frontMessage(ctx: Ctx, from: string, msg: FrontMsg, cacheBug: CacheBug): void {
  const f = front(ctx);
  if (msg.type === 'join') {
    if (!f.joined || from === ctx.self) return; // not serving yet: the joiner asks again
    return enqueue(ctx, { requestId: `admit/${from}`, client: from, req: { type: 'admit', node: from }, applied: false, probed: [], toRead: null, read: [] }, cacheBug);
  }
  if (f.joined) return;
  f.joined = true;
  learn(f, msg.frontEnds, msg.backEnds);
  advance(ctx, cacheBug);
}

/** Adds front and back ends not known yet (in the order given). */
function learn(f: FrontState, frontEnds: readonly string[], backEnds: readonly string[] = []): void {
  for (const fe of frontEnds) if (!f.frontEnds.includes(fe)) f.frontEnds.push(fe);
  for (const be of backEnds) if (!f.backEnds.includes(be)) f.backEnds.push(be);
}

export function frontRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId, cacheBug: CacheBug): void {
  const f = front(ctx);
  const done = f.done.find((d) => d.requestId === requestId);
  if (done !== undefined) return ctx.reply(requestId, done.result);
  enqueue(ctx, { requestId, client, req, applied: false, probed: [], toRead: null, read: [] }, cacheBug);
}

function enqueue(ctx: Ctx, job: Job, cacheBug: CacheBug): void {
  const f = front(ctx);
  if (f.job?.requestId === job.requestId || f.queue.some((j) => j.requestId === job.requestId)) return; // a retry: the answer will come
  if (f.queue.length >= FRONT_LIMITS.maxQueue) return; // full: the client (or joiner) retries
  f.queue.push(job);
  advance(ctx, cacheBug);
}

export function frontTick(ctx: Ctx, cacheBug: CacheBug): void {
  ctx.setTimer('tick', FRONT_TIMING.tickMs);
  const f = front(ctx);
  if (!f.joined) {
    if (ctx.now() - f.joinSentMs >= FRONT_TIMING.callTimeoutMs) askToJoin(ctx);
    return;
  }
  const call = f.call;
  if (call === null) return advance(ctx, cacheBug);
  if (ctx.now() - call.sentMs < FRONT_TIMING.callTimeoutMs) return;
  if (call.sends >= FRONT_LIMITS.maxCallSends) {
    // The back end is unreachable for now: forget the call and the client request (the
    // client retries it); a new call gets a new number, so the old one, if it is applied
    // late, is either applied first or dropped as older.
    ctx.log(`back-end call ${call.requestId} unanswered after ${call.sends} sends; giving up on ${f.job?.requestId ?? 'it'}`);
    f.call = null;
    f.job = null;
    return advance(ctx, cacheBug);
  }
  const i = f.backEnds.indexOf(call.target);
  call.target = f.backEnds[(i + 1) % f.backEnds.length]!;
  resend(ctx, call);
}

/** The back end's answer to a call: a result, or a redirect to the back end it believes is primary. */
export function frontAnswer(ctx: Ctx, callId: string, answer: Answer<PbRes>, cacheBug: CacheBug): void {
  const f = front(ctx);
  const call = f.call;
  if (call === null || callId !== call.requestId) return;
  if (answer.kind === 'moved') {
    if (call.sends >= FRONT_LIMITS.maxCallSends) return; // the tick gives up
    learn(f, [], [answer.to]); // a back end that joined after this front end started
    call.target = answer.to;
    f.target = answer.to;
    return resend(ctx, call);
  }
  f.call = null;
  f.target = call.target;
  understand(ctx, call.purpose, answer.result);
  advance(ctx, cacheBug);
}

function resend(ctx: Ctx, call: Call): void {
  call.sends++;
  call.sentMs = ctx.now();
  ctx.call(call.target, call.requestId, call.req, front(ctx).pbClient);
}

function startCall(ctx: Ctx, purpose: Purpose, req: { type: 'put'; key: string; value: string } | { type: 'get'; key: string }): void {
  const f = front(ctx);
  const seq = f.nextSeq++;
  const call: Call = { requestId: `${f.pbClient}/${seq}`, req: { ...req, seq } as PbReq, purpose, target: f.target, sentMs: 0, sends: 0 };
  f.call = call;
  resend(ctx, f.call);
}

/** Takes in the answer of a back-end call. */
function understand(ctx: Ctx, purpose: Purpose, result: PbRes): void {
  const f = front(ctx);
  const value = result.type === 'get-ok' ? result.value : null;
  switch (purpose.kind) {
    case 'probe':
      if (value !== null) f.known[purpose.frontEnd] = Math.max(f.known[purpose.frontEnd] ?? 0, purpose.k);
      else if (purpose.frontEnd === ctx.self) startCall(ctx, { kind: 'claim', k: purpose.k }, { type: 'put', key: genKey(ctx.self, purpose.k), value: f.pbClient });
      else f.job?.probed.push(purpose.frontEnd);
      return;
    case 'claim':
      f.gen = purpose.k;
      f.known[ctx.self] = purpose.k;
      return;
    case 'read': {
      const log = parseLog(value);
      f.logs[logKey(purpose.frontEnd, purpose.k)] = log;
      f.job?.read.push(logKey(purpose.frontEnd, purpose.k));
      return learn(f, log.members);
    }
    case 'write':
      return finish(ctx, f.job!.req.type === 'follow' ? { type: 'followed' } : { type: 'posted' });
  }
}

/** Starts the next back-end call, or answers the current request, or takes the next one. */
function advance(ctx: Ctx, cacheBug: CacheBug): void {
  const f = front(ctx);
  if (f.call !== null || !f.joined) return;
  if (f.gen === 0) {
    const k = (f.known[ctx.self] ?? 0) + 1;
    if (k > FRONT_LIMITS.maxGenerations) return ctx.log(`${ctx.self} has had ${FRONT_LIMITS.maxGenerations} generations: not serving`);
    return startCall(ctx, { kind: 'probe', frontEnd: ctx.self, k }, { type: 'get', key: genKey(ctx.self, k) });
  }
  for (let guard = 0; guard <= FRONT_LIMITS.maxQueue; guard++) {
    if (f.job === null) {
      const next = f.queue.shift();
      if (next === undefined) return;
      f.job = next;
    }
    if (step(ctx, f.job, cacheBug)) return;
  }
}

/** One step of `job`: true if it started a back-end call (or is waiting), false if it finished. */
function step(ctx: Ctx, job: Job, cacheBug: CacheBug): boolean {
  const f = front(ctx);
  const req = job.req;
  if (req.type === 'post' || req.type === 'follow' || req.type === 'admit') {
    if (!job.applied) {
      job.applied = true;
      if (req.type === 'admit') {
        if (!f.log.members.includes(req.node)) f.log.members.push(req.node);
        learn(f, [req.node]);
      } else if (req.type === 'post') {
        if (!f.log.posts.some((p) => p.id === job.requestId)) f.log.posts.push({ id: job.requestId, author: req.user, text: req.text, atMs: ctx.now() });
      } else if (!f.log.follows.some((x) => x.user === req.user && x.whom === req.whom)) {
        f.log.follows.push({ user: req.user, whom: req.whom });
      }
    }
    startCall(ctx, { kind: 'write' }, { type: 'put', key: logKey(ctx.self, f.gen), value: JSON.stringify(f.log) });
    return true;
  }
  if (job.toRead === null) {
    for (const fe of f.frontEnds) {
      if (fe === ctx.self || job.probed.includes(fe)) continue;
      const known = f.known[fe] ?? 0;
      const k = known + 1;
      // BUG (cacheBug): a front end's generations are looked for only until one is found
      if ((cacheBug && known > 0) || k > FRONT_LIMITS.maxGenerations) {
        job.probed.push(fe);
        continue;
      }
      startCall(ctx, { kind: 'probe', frontEnd: fe, k }, { type: 'get', key: genKey(fe, k) });
      return true;
    }
    job.toRead = [];
    for (const fe of f.frontEnds) {
      for (let k = 1; k <= (f.known[fe] ?? 0); k++) {
        if ((fe === ctx.self && k === f.gen) || job.read.includes(logKey(fe, k))) continue;
        if (cacheBug && logKey(fe, k) in f.logs) continue; // BUG: a log read once is never read again
        job.toRead.push([fe, k]);
      }
    }
  }
  const next = job.toRead.shift();
  if (next !== undefined) {
    startCall(ctx, { kind: 'read', frontEnd: next[0], k: next[1] }, { type: 'get', key: logKey(next[0], next[1]) });
    return true;
  }
  if (f.frontEnds.some((fe) => fe !== ctx.self && !job.probed.includes(fe))) {
    // The logs named front ends not known before (members they admitted): look for theirs too.
    job.toRead = null;
    return step(ctx, job, cacheBug);
  }
  const logs: GenLog[] = [f.log as GenLog];
  for (const fe of f.frontEnds) {
    for (let k = 1; k <= (f.known[fe] ?? 0); k++) {
      const log = f.logs[logKey(fe, k)];
      if (log !== undefined && !(fe === ctx.self && k === f.gen)) logs.push(log as GenLog);
    }
  }
  finish(ctx, { type: 'timeline', user: req.user, posts: timelineOf(req.user, logs) });
  return false;
}

function finish(ctx: Ctx, result: Res): void {
  const f = front(ctx);
  const job = f.job!;
  f.job = null;
  if (job.req.type === 'admit') return ctx.send(job.req.node, { type: 'welcome', frontEnds: f.frontEnds, backEnds: f.backEnds });
  f.done.push({ requestId: job.requestId, result });
  if (f.done.length > FRONT_LIMITS.maxDone) f.done.shift();
  ctx.reply(job.requestId, result);
}
