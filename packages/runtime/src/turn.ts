import type { Draft, Patch } from 'immer';
import type { Context } from './context.ts';
import type { Effect } from './effects.ts';
import type { ServiceEvent } from './events.ts';
import type { NodeId, RequestId } from './ids.ts';
import { immerProduction, readableImmerError } from './immer.ts';
import type { AnyService } from './service.ts';

const { isDraft, current } = immerProduction;
/** Our own instance of immer's production build: no auto-freeze (speed), and no change to a user's global immer. */
const immer = new immerProduction.Immer({ autoFreeze: false });

/** What the driver lends a turn: its clock and its random stream. */
export interface TurnHost {
  now(): number;
  random(): number;
  /** Messages to `peer` not yet acknowledged (a reliable-delivery layer's count; 0 when absent). */
  unackedTo?(peer: NodeId): number;
}

export interface TurnResult<S> {
  readonly state: S;
  readonly effects: readonly Effect[];
  /** False when the handler did not change the state (the same object is returned). */
  readonly changed: boolean;
  /** The immer patches from the old state to the new one, when asked for. */
  readonly patches?: readonly Patch[];
}

/** A handler threw: the turn is void and the error names the protocol and handler. */
export class HandlerError extends Error {
  /** What the handler threw (an immer error with its message made readable, see `readableImmerError`). */
  readonly original: unknown;

  constructor(
    readonly service: string,
    readonly handler: string,
    readonly node: NodeId,
    original: unknown,
  ) {
    const cause = readableImmerError(original);
    super(`${service}.${handler} on ${node} threw: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.original = cause;
    this.name = 'HandlerError';
  }
}

/** The handler a given event runs, by name, for messages and guards. */
export function handlerName(event: ServiceEvent): string {
  switch (event.kind) {
    case 'start':
      return 'onStart';
    case 'message':
      return 'onMessage';
    case 'timer':
      return 'onTimer';
    case 'request':
      return 'onRequest';
  }
}

/**
 * Runs one node's turns. One executor per node; it reuses a single context object
 * across turns, so a turn allocates only its effects and, if the handler touches
 * `ctx.state`, an immer draft.
 *
 * With `reuse`, the result and its effects list are also reused: they hold until the
 * next `run` of the same executor, which overwrites them (the simulator applies a
 * turn's effects before it runs another turn, so it allocates neither per turn).
 */
export class TurnExecutor<S = unknown> {
  readonly peers: readonly NodeId[];
  private readonly ctx: TurnContext<S>;

  constructor(
    readonly service: AnyService,
    readonly self: NodeId,
    readonly cluster: readonly NodeId[],
    host: TurnHost,
    reuse = false,
  ) {
    this.peers = cluster.filter((n) => n !== self);
    this.ctx = new TurnContext<S>(self, cluster, this.peers, host, reuse);
  }

  /** The service's initial state. Throws `HandlerError` (handler `initialState`) if it throws. */
  initialState(): S {
    try {
      return this.service.initialState({ self: this.self, cluster: this.cluster }) as S;
    } catch (err) {
      throw new HandlerError(this.service.name, 'initialState', this.self, err);
    }
  }

  /** Runs `event` against `state`. Throws `HandlerError` if the handler throws. */
  run(state: S, event: ServiceEvent, withPatches = false): TurnResult<S> {
    const ctx = this.ctx;
    ctx.begin(state);
    try {
      dispatch(this.service, ctx, event);
    } catch (err) {
      ctx.abandon();
      throw new HandlerError(this.service.name, handlerName(event), this.self, err);
    }
    return ctx.finish(withPatches);
  }
}

function dispatch(service: AnyService, ctx: Context<unknown, unknown>, event: ServiceEvent): void {
  switch (event.kind) {
    case 'start':
      service.onStart(ctx);
      return;
    case 'message':
      service.onMessage(ctx, event.from, event.msg);
      return;
    case 'timer':
      service.onTimer(ctx, event.tag);
      return;
    case 'request':
      service.onRequest(ctx, event.req, event.requestId, event.client);
      return;
  }
}

/** Replaces any immer draft inside an outgoing payload by a plain snapshot of it. */
function undraft(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isDraft(value)) return current(value);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const u = undraft(v);
      if (u !== v) (out ??= value.slice())[i] = u;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    const u = undraft(v);
    if (u !== v) (out ??= { ...(value as Record<string, unknown>) })[key] = u;
  }
  return out ?? value;
}

function undraftEffect(e: Effect): Effect {
  switch (e.kind) {
    case 'send': {
      const msg = undraft(e.msg);
      return msg === e.msg ? e : { kind: 'send', to: e.to, msg };
    }
    case 'reply': {
      const result = undraft(e.result);
      return result === e.result ? e : { kind: 'reply', requestId: e.requestId, result };
    }
    default:
      return e;
  }
}

/** The effects of a turn that had none: one shared, frozen list, so a quiet turn allocates no array. */
const NO_EFFECTS: readonly Effect[] = Object.freeze([]);

/** The one result a reusing executor fills in on every turn. */
interface ReusedResult<S> {
  state: S;
  effects: readonly Effect[];
  changed: boolean;
  patches: readonly Patch[] | undefined;
}

class TurnContext<S> implements Context<S, unknown, unknown, string> {
  private base!: S;
  private draft: Draft<S> | undefined;
  private effects: Effect[] = [];
  private readonly reused: ReusedResult<S> | undefined;

  constructor(
    readonly self: NodeId,
    readonly cluster: readonly NodeId[],
    readonly peers: readonly NodeId[],
    private readonly host: TurnHost,
    reuse: boolean,
  ) {
    this.reused = reuse ? { state: undefined as S, effects: NO_EFFECTS, changed: false, patches: undefined } : undefined;
  }

  begin(state: S): void {
    this.base = state;
    this.draft = undefined;
    if (this.effects.length === 0) return;
    // Reusing, the last turn's list is done with (emptied by pops: setting its length is a slow runtime call); otherwise it went out with its result.
    const effects = this.effects;
    if (this.reused !== undefined) while (effects.length !== 0) effects.pop();
    else this.effects = [];
  }

  abandon(): void {
    this.draft = undefined;
    this.effects = [];
  }

  finish(withPatches: boolean): TurnResult<S> {
    const pushed = this.effects;
    const draft = this.draft;
    this.draft = undefined;
    // The list goes out with the result; an empty one stays here for the next turn.
    const effects = pushed.length === 0 ? NO_EFFECTS : pushed;
    if (pushed.length !== 0 && this.reused === undefined) this.effects = [];
    let state = this.base;
    let patches: Patch[] | undefined;
    if (draft !== undefined) {
      for (let i = 0; i < pushed.length; i++) pushed[i] = undraftEffect(pushed[i]!);
      state = immer.finishDraft(draft, withPatches ? (p: Patch[]) => (patches = p) : undefined) as S;
    }
    const changed = state !== this.base;
    const patchList = withPatches ? (patches ?? []) : undefined;
    const r = this.reused;
    if (r === undefined) return { state, effects, changed, patches: patchList };
    r.state = state;
    r.effects = effects;
    r.changed = changed;
    r.patches = patchList;
    return r;
  }

  get state(): Draft<S> {
    if (this.draft === undefined) {
      const base = this.base;
      if (base === null || typeof base !== 'object') {
        throw new Error(`state of ${this.self} is not an object; immer drafts need an object or array`);
      }
      this.draft = immer.createDraft(base as object) as Draft<S>;
    }
    return this.draft;
  }

  now(): number {
    return this.host.now();
  }
  random(): number {
    return this.host.random();
  }
  randomInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`randomInt(n) needs a positive integer, got ${n}`);
    return Math.floor(this.host.random() * n);
  }
  send(to: NodeId, msg: unknown): void {
    this.effects.push({ kind: 'send', to, msg });
  }
  broadcast(msg: unknown, to: Iterable<NodeId> = this.peers): void {
    for (const n of to) if (n !== this.self) this.effects.push({ kind: 'send', to: n, msg });
  }
  setTimer(tag: string, delayMs: number): void {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) {
      throw new RangeError(`setTimer('${tag}', ${delayMs}): delay must be a finite number >= 0`);
    }
    this.effects.push({ kind: 'setTimer', tag, delayMs });
  }
  cancelTimer(tag: string): void {
    this.effects.push({ kind: 'cancelTimer', tag });
  }
  reply(requestId: RequestId, result: unknown): void {
    this.effects.push({ kind: 'reply', requestId, result });
  }
  redirect(requestId: RequestId, to: NodeId): void {
    this.effects.push({ kind: 'redirect', requestId, to });
  }
  unackedTo(peer: NodeId): number {
    return this.host.unackedTo?.(peer) ?? 0;
  }
  log(...parts: unknown[]): void {
    this.effects.push({ kind: 'log', text: parts.map(formatLogPart).join(' ') });
  }
}

function formatLogPart(p: unknown): string {
  if (typeof p === 'string') return p;
  const v = isDraft(p) ? current(p) : p;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
