import {
  HandlerError,
  TurnExecutor,
  canonicalJson,
  type Effect,
  type FaultKind,
  type NodeView,
  type Property,
  type PropertyResult,
  type ServiceEvent,
  type SystemView,
} from '@faultline/runtime';
import { withDeterminismGuard } from '../guard.ts';
import { Rng } from '../rng.ts';
import { createOptions, resolveConfig } from '../scenario.ts';
import { canonicalDigest, hashTexts } from './canonical.ts';
import { linkOrderedHash, msgHash, nodeHash, requestHash, responseHash, unorderedOf } from './state-hash.ts';
import { Mixer, structuralHash } from './structural-hash.ts';
import type { Action, ClientRequest, InFlight, ModelNode, ModelOptions, ModelState, StepResult } from './model-state.ts';

export type { Action, ArmedTimer, ClientRequest, InFlight, ModelNode, ModelOptions, ModelState, Response, StepResult } from './model-state.ts';

/** Redirects one request follows before it is given up (left pending). */
const MAX_REDIRECTS = 3;
export const DEFAULT_CHECK_REQUESTS = 2;

export class CheckModel {
  readonly nodeIds: readonly string[];
  readonly faults: readonly FaultKind[];
  readonly maxFaultyNodes: number;
  readonly always: readonly Property[];
  readonly eventually: readonly Property[];
  readonly requests: number;
  /** Retries a client makes after its first attempt (the workload's). */
  readonly retries: number;
  /** The node each client sends its request to, first and on retries. */
  private readonly targets = new Map<string, string>();
  private readonly executors: TurnExecutor[];
  private readonly seed: string;
  /** The running turn's random stream, made on its first draw (most turns draw nothing); `rngSeed` names it. */
  private rng: Rng | undefined;
  private rngSeed: () => string = () => this.seed;
  private clock = 0;
  /** How many times handlers have read the clock (a step that did not change it did not read it: see sleep-sets.ts). */
  clockReads = 0;
  /** The redirects the request being handled has followed. */
  private incomingRedirects = 0;
  private readonly reorder: boolean;
  private readonly lossy: boolean;
  /**
   * The protocol runs under Ken: node-to-node links are what Ken makes of the network,
   * reliable and FIFO (a lost or duplicated frame is retransmitted or dropped by Ken, never
   * seen by the service), and a crash restarts a node from its last durable turn, which in
   * this untimed model (every turn durable) changes nothing the service sees: crashes, drops,
   * duplicates and reorders between nodes are left out. Clients are not Ken peers: their
   * requests and replies may still be lost.
   */
  readonly ken: boolean;
  readonly timed: boolean;
  readonly skewMs: number;
  /** Which network and fault model the search uses, in words (`check` prints it). */
  readonly description: string;
  private readonly initialNodes: readonly { id: string; startMs: number }[];
  private readonly initialReqs: ClientRequest[] = [];
  private readonly mixer = new Mixer();
  /** The properties this search's path monitors show every state of a path: those that read `view.history` (see path-monitor.ts). */
  readonly replayed = new Set<Property>();
  /** The properties whose memory is a monitor's (`Property.monitor`): a path monitor carries their memories, in this order. */
  readonly monitored: readonly Property[];

  constructor(readonly options: ModelOptions) {
    const p = options.protocol;
    this.seed = options.seed ?? 'check';
    const c = resolveConfig({ protocol: p, bug: options.bug, seed: this.seed, faults: options.faults, trace: 'none' });
    this.faults = p.ken === true ? c.faults.filter((f) => f !== 'crash') : c.faults;
    this.nodeIds = c.nodes.map((n) => n.id);
    this.maxFaultyNodes = c.maxFaultyNodes;
    this.ken = p.ken === true;
    this.reorder = !this.ken && this.faults.includes('reorder');
    this.lossy = this.faults.includes('drop') || this.faults.includes('partition');
    this.timed = options.timed === true;
    this.skewMs = options.skewMs ?? 0;
    if (!Number.isInteger(this.skewMs) || this.skewMs < 0) throw new RangeError(`skewMs must be an integer >= 0, not ${options.skewMs}`);
    if (this.skewMs > 0 && !this.timed) throw new RangeError('skewMs needs timed: without it any timer may fire next already');
    const untimedDescription = this.ken
      ? `Ken: reliable FIFO links between nodes, no crashes (a restart resumes the last durable turn); client requests and replies${this.lossy ? ' may be lost' : ' reliable'}`
      : `${this.reorder ? 'reordering' : 'FIFO'} links; faults: ${this.faults.filter((f) => ['drop', 'duplicate', 'reorder', 'crash', 'partition'].includes(f)).join(', ') || 'none'}`;
    this.description = this.timed ? `${untimedDescription}; timers fire in due order${this.skewMs > 0 ? ` (clock skew up to ${this.skewMs} ms)` : ''}, messages take no time` : untimedDescription;
    this.always = p.properties.filter((q) => q.kind === 'always');
    this.eventually = p.properties.filter((q) => q.kind === 'eventually');
    this.monitored = p.properties.filter((q) => q.monitor !== undefined);
    // One request per client, each client its own: no more requests than the workload has clients.
    this.requests = Math.min(options.requests ?? DEFAULT_CHECK_REQUESTS, c.workload.clients);
    this.retries = c.workload.retries;
    const host = { now: () => (this.clockReads++, this.clock), random: () => (this.rng ??= new Rng(this.rngSeed())).random() };
    this.executors = c.nodes.map((n) => new TurnExecutor(p.create(createOptions(c)), n.id, n.cluster, host));
    this.initialNodes = c.nodes.map((n) => ({ id: n.id, startMs: n.startMs }));
    const initial = c.nodes.filter((n) => n.startMs === 0).map((n) => n.id);
    const wrng = new Rng(`${this.seed}/workload`);
    this.guarded(() => {
      for (let i = 0; i < this.requests; i++) {
        const client = `c${i + 1}`;
        const req = c.workload.next(wrng, client, 0);
        const node = c.workload.target?.(client, i, initial) ?? initial[i % initial.length]!;
        this.initialReqs.push({ op: `${client}:1`, client, node, req, redirects: 0 });
        this.targets.set(`${client}:1`, node);
      }
    });
  }

  /** Every node that starts at time 0 has run its start handler; the requests are in flight. */
  initial(): StepResult {
    return this.guarded(() => this.initialUnguarded());
  }

  /** Protocol code (handlers, property checks) runs under the determinism guard; the search's own code (progress, clocks) does not. */
  guarded<T>(fn: () => T): T {
    return withDeterminismGuard(() => `faultline check of ${this.options.protocol.name}`, fn);
  }

  private initialUnguarded(): StepResult {
    let s: ModelState = {
      nodes: this.initialNodes.map((n) => ({ id: n.id, started: false, up: false, state: undefined, timers: [] })),
      msgs: [],
      reqs: this.initialReqs,
      resps: [],
      ops: this.initialReqs.map((r) => ({ id: r.op, client: r.client, req: r.req, invokeMs: 0, status: 'pending' as const, attempts: 1 })),
      step: 0,
      clockMs: 0,
    };
    for (let i = 0; i < this.initialNodes.length; i++) {
      if (this.initialNodes[i]!.startMs !== 0) continue;
      const r = this.start(s, i);
      if (r.error !== undefined) return r;
      s = r.state;
    }
    return { state: s, error: undefined };
  }

  /** The actions enabled in `s`, in a fixed order. `fair` leaves out faults (drops, duplicates, crashes): the healed system's steps, for random walks. */
  actions(s: ModelState, fair = false): Action[] {
    const out: Action[] = [];
    // Without reordering only each link's oldest message may be delivered (the links seen so far, named by text).
    const heads = this.reorder ? undefined : new Set<string>();
    s.msgs.forEach((m, i) => {
      if (heads !== undefined) {
        const link = `${m.from}>${m.to}`;
        if (heads.has(link)) return;
        heads.add(link);
      }
      const to = this.nodeIndex(m.to);
      const up = s.nodes[to]!.up;
      if (up) out.push({ k: 'deliver', i });
      if (this.ken) return; // Ken delivers it, once, in order: a node not up yet gets it when it is
      if (!fair && up && !m.copy && this.faults.includes('duplicate')) out.push({ k: 'duplicate', i });
      if (!up || (!fair && this.lossy)) out.push({ k: 'drop', i });
    });
    s.reqs.forEach((r, i) => {
      const up = s.nodes[this.nodeIndex(r.node)]!.up;
      if (up) out.push({ k: 'request', i });
      if (!up || (!fair && this.lossy)) out.push({ k: 'lose-request', i });
    });
    const latest = this.timed ? earliestDue(s) + this.skewMs : Infinity;
    s.nodes.forEach((n, node) => {
      if (n.up) for (const t of n.timers) if (t.dueMs <= latest) out.push({ k: 'timer', node, tag: t.tag });
    });
    s.resps.forEach((_r, i) => {
      out.push({ k: 'respond', i });
      if (!fair && this.lossy) out.push({ k: 'lose-response', i });
    });
    s.ops.forEach((op, i) => {
      if (op.status === 'pending' && op.attempts <= this.retries && !s.reqs.some((r) => r.op === op.id)) out.push({ k: 'retry', op: i });
    });
    const down = s.nodes.filter((n) => n.started && !n.up).length;
    s.nodes.forEach((n, node) => {
      if (!n.started) out.push({ k: 'join', node });
      else if (!n.up) out.push({ k: 'restart', node });
      else if (!fair && this.faults.includes('crash') && down < this.maxFaultyNodes) out.push({ k: 'crash', node });
    });
    return out;
  }

  /** A short text for an action in `s`, for paths and traces. */
  label(s: ModelState, a: Action): string {
    switch (a.k) {
      case 'deliver':
      case 'drop':
      case 'duplicate': {
        const m = s.msgs[a.i]!;
        return `${a.k} ${m.from}->${m.to} ${clip(canonicalJson(m.msg))}`;
      }
      case 'request':
      case 'lose-request': {
        const r = s.reqs[a.i]!;
        return `${a.k} ${r.op} ${r.client}->${r.node} ${clip(canonicalJson(r.req))}`;
      }
      case 'timer':
        return `timer ${s.nodes[a.node]!.id} ${a.tag}`;
      case 'respond':
      case 'lose-response': {
        const r = s.resps[a.i]!;
        return `${a.k} ${r.op} ${r.node}->${r.op.split(':')[0]} ${clip(canonicalJson(r.result))}`;
      }
      case 'retry': {
        const op = s.ops[a.op]!;
        return `retry ${op.id} ${op.client}->${this.targets.get(op.id)}`;
      }
      default:
        return `${a.k} ${s.nodes[a.node]!.id}`;
    }
  }

  apply(s: ModelState, a: Action): StepResult {
    return this.guarded(() => this.applyUnguarded(s, a));
  }

  private applyUnguarded(s: ModelState, a: Action): StepResult {
    // Each step makes its state in one object (a turn fills in what its handler changed: see `turn`).
    const step = s.step + 1;
    const clockMs = this.timed ? s.clockMs : s.clockMs + 1;
    switch (a.k) {
      case 'deliver': {
        const m = s.msgs[a.i]!;
        return this.turn({ ...s, step, clockMs, msgs: without(s.msgs, a.i) }, this.nodeIndex(m.to), { kind: 'message', from: m.from, msg: m.msg });
      }
      case 'duplicate': {
        const m = s.msgs[a.i]!;
        const msgs = s.msgs.slice();
        msgs[a.i] = { ...m, copy: true };
        return this.turn({ ...s, step, clockMs, msgs }, this.nodeIndex(m.to), { kind: 'message', from: m.from, msg: m.msg });
      }
      case 'drop':
        return ok({ ...s, step, clockMs, msgs: without(s.msgs, a.i) });
      case 'request': {
        const r = s.reqs[a.i]!;
        this.incomingRedirects = r.redirects;
        try {
          return this.turn({ ...s, step, clockMs, reqs: without(s.reqs, a.i) }, this.nodeIndex(r.node), { kind: 'request', requestId: r.op, client: r.client, req: r.req });
        } finally {
          this.incomingRedirects = 0;
        }
      }
      case 'lose-request':
        return ok({ ...s, step, clockMs, reqs: without(s.reqs, a.i) });
      case 'lose-response':
        return ok({ ...s, step, clockMs, resps: without(s.resps, a.i) });
      case 'respond': {
        const r = s.resps[a.i]!;
        const ops = s.ops.map((o) => (o.id === r.op && o.status === 'pending' ? { ...o, status: 'ok' as const, result: r.result, completeMs: s.step, node: r.node } : o));
        return ok({ ...s, step, clockMs, ops, resps: without(s.resps, a.i) });
      }
      case 'timer': {
        const n = s.nodes[a.node]!;
        const dueMs = n.timers.find((t) => t.tag === a.tag)!.dueMs;
        const nodes = withNode(s.nodes, a.node, { ...n, timers: n.timers.filter((t) => t.tag !== a.tag) });
        return this.turn({ ...s, step, clockMs: Math.max(clockMs, dueMs), nodes }, a.node, { kind: 'timer', tag: a.tag });
      }
      case 'retry': {
        const op = s.ops[a.op]!;
        const ops = s.ops.map((o, j) => (j === a.op ? { ...o, attempts: o.attempts + 1 } : o));
        return ok({ ...s, step, clockMs, ops, reqs: [...s.reqs, { op: op.id, client: op.client, node: this.targets.get(op.id)!, req: op.req, redirects: 0 }] });
      }
      case 'crash':
        return ok({ ...s, step, clockMs, nodes: withNode(s.nodes, a.node, { ...s.nodes[a.node]!, up: false, state: undefined, timers: [] }) });
      case 'restart':
      case 'join':
        return this.start({ ...s, step, clockMs }, a.node);
    }
  }

  /** The view properties see: started nodes, the history, the logical clock. */
  view(s: ModelState, phase: SystemView['phase'], history: SystemView['history'] = s.ops): SystemView {
    const nodes: NodeView<unknown>[] = [];
    for (const n of s.nodes) if (n.started) nodes.push({ id: n.id, up: n.up, paused: false, state: n.state });
    return { nowMs: s.step, nodes, history, phase };
  }

  /**
   * The first of `props` that fails in `s`, or undefined. `history` is the array the
   * properties see as the history (default: the state's own); a path's checks go through
   * a `PathMonitor`, which passes one array per path.
   */
  failing(s: ModelState, props: readonly Property[], phase: SystemView['phase'], history?: SystemView['history']): { property: string; message: string } | undefined {
    return props.length === 0 ? undefined : this.guarded(() => this.failingUnguarded(s, props, phase, history));
  }

  private failingUnguarded(s: ModelState, props: readonly Property[], phase: SystemView['phase'], history: SystemView['history'] | undefined): { property: string; message: string } | undefined {
    const view = this.view(s, phase, history);
    for (const p of props) {
      const failed = verdict(p, view);
      if (failed !== undefined) return failed;
    }
    return undefined;
  }

  /**
   * A canonical hash of `s`: node states, armed timers, messages in flight (as a multiset,
   * or per FIFO link in order), requests in flight and the history. The logical clock is
   * left out, so the same state reached by commuting actions is one state; in the timed
   * model how far ahead of it each timer is due is hashed (it decides which fires next).
   * Every part's hash is structural and cached per object (see state-hash.ts).
   */
  hash(s: ModelState): string {
    return this.mix(s).digest();
  }

  /** The 64 bits of `hash(s)` into `out` (high word first): the search's visited store keeps these, no text. */
  hashLanes(s: ModelState, out: Uint32Array): Uint32Array {
    return this.mix(s).lanes(out);
  }

  private mix(s: ModelState): Mixer {
    const m = this.mixer.reset(0);
    for (const n of s.nodes) m.num(nodeHash(n));
    m.num(this.reorder ? unorderedOf(s.msgs, msgHash) : linkOrderedHash(s.msgs));
    m.num(unorderedOf(s.reqs, requestHash));
    m.num(unorderedOf(s.resps, responseHash));
    if (this.timed) for (const n of s.nodes) for (const t of n.timers) m.int(t.dueMs - s.clockMs);
    for (const op of s.ops) {
      if (op.status === 'pending') m.int(0).int(op.attempts);
      else m.int(1).text(op.status).num(structuralHash(op.result));
    }
    return m;
  }

  private nodeIndex(id: string): number {
    return this.nodeIds.indexOf(id);
  }

  private start(s: ModelState, node: number): StepResult {
    const n = s.nodes[node]!;
    const started = { ...n, started: true, up: true, state: this.executors[node]!.initialState(), timers: [] };
    return this.turn({ ...s, nodes: withNode(s.nodes, node, started) }, node, { kind: 'start' });
  }

  /** Runs one handler on `node` and applies its effects to `s`, the step's new state (made for this step alone, so filled in here). Its random stream is seeded by the state and the event, so the same state and event give the same turn. */
  private turn(s: ModelState, node: number, event: ServiceEvent): StepResult {
    const n = s.nodes[node]!;
    this.clock = s.clockMs;
    this.rng = undefined;
    this.rngSeed = () => `${this.seed}/${n.id}/${canonicalDigest(n.state)}/${hashTexts([canonicalJson(event)])}`;
    let result;
    try {
      result = this.executors[node]!.run(n.state, event);
    } catch (err) {
      return { state: s, error: { property: 'handler-error', message: err instanceof HandlerError ? err.message : String(err) } };
    }
    let timers = n.timers;
    /** The messages in flight after the turn: copied on the turn's first send, then appended to (a broadcast copies once). */
    let msgs = s.msgs;
    let sent: InFlight[] | undefined;
    let reqs = s.reqs;
    let resps = s.resps;
    const ops = s.ops;
    for (const e of result.effects as readonly Effect[]) {
      switch (e.kind) {
        case 'send':
          if (!this.nodeIds.includes(e.to)) return { state: s, error: { property: 'invalid-effect', message: `${n.id} sent a message to unknown node '${e.to}'` } };
          if (sent === undefined) msgs = sent = msgs.slice();
          sent.push({ from: n.id, to: e.to, msg: e.msg, copy: false });
          break;
        case 'setTimer':
          // Timed, a timer's due time is part of the state: setting one reads the clock.
          if (this.timed) this.clockReads++;
          timers = [...timers.filter((t) => t.tag !== e.tag), { tag: e.tag, dueMs: s.clockMs + e.delayMs }].sort((x, y) => (x.tag < y.tag ? -1 : 1));
          break;
        case 'cancelTimer':
          timers = timers.filter((t) => t.tag !== e.tag);
          break;
        case 'reply':
        case 'redirect': {
          const k = ops.findIndex((o) => o.id === e.requestId);
          if (k < 0) return { state: s, error: { property: 'invalid-effect', message: `${n.id} replied to unknown request '${e.requestId}'` } };
          const op = ops[k]!;
          if (op.status !== 'pending') break;
          if (e.kind === 'reply') resps = [...resps, { op: op.id, node: n.id, result: e.result }];
          else if (this.nodeIds.includes(e.to)) {
            const redirects = this.incomingRedirects + 1;
            if (redirects <= MAX_REDIRECTS) reqs = [...reqs, { op: op.id, client: op.client, node: e.to, req: op.req, redirects }];
          }
          break;
        }
        case 'log':
          break;
      }
    }
    const state = result.changed ? result.state : n.state;
    // A node the turn left as it was stays the same object (its hash is cached by identity).
    const after = state === n.state && timers === n.timers ? n : { ...n, state, timers };
    // `s` is this step's own new state, seen by nobody yet: filled in, not copied again.
    const out = s as Mutable<ModelState>;
    if (after !== n) out.nodes = withNode(s.nodes, node, after);
    out.msgs = msgs;
    out.reqs = reqs;
    out.resps = resps;
    return ok(out);
  }
}

/** Why `p` fails on `view` (its message, or that it threw), or undefined if it holds. */
export function verdict(p: Property, view: SystemView): { property: string; message: string } | undefined {
  try {
    return judged(p, p.check(view));
  } catch (err) {
    return threw(p, err);
  }
}

/** Why `p` fails by the result its check returned, or undefined if it holds. */
export function judged(p: Property, r: PropertyResult): { property: string; message: string } | undefined {
  if (r === true || r === undefined) return undefined;
  return { property: p.name, message: r === false ? p.description : r };
}

/** `p`'s failure when its check threw `err`. */
export function threw(p: Property, err: unknown): { property: string; message: string } {
  return { property: p.name, message: `the check threw: ${err instanceof Error ? err.message : String(err)}` };
}

/** The earliest due time of an up node's armed timer (Infinity if none). */
function earliestDue(s: ModelState): number {
  let due = Infinity;
  for (const n of s.nodes) if (n.up) for (const t of n.timers) if (t.dueMs < due) due = t.dueMs;
  return due;
}

function ok(state: ModelState): StepResult {
  return { state, error: undefined };
}

function without<T>(items: readonly T[], i: number): T[] {
  const out: T[] = [];
  for (let j = 0; j < items.length; j++) if (j !== i) out.push(items[j]!);
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function withNode(nodes: readonly ModelNode[], node: number, n: ModelNode): ModelNode[] {
  return nodes.map((x, j) => (j === node ? n : x));
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
