import { CheckpointCorruptError, KenOutboxFullError, type KenOutput } from '@faultline/ken-checkpoint';
import {
  HandlerError,
  TurnExecutor,
  handlerName,
  type ClientId,
  type Effect,
  type NodeId,
  type NodeView,
  type Operation,
  type Property,
  type ProtocolDefinition,
  type RequestId,
  type ServiceEvent,
  type SystemView,
} from '@faultline/runtime';
import { generateFaultPlan, sortPlan, type FaultEvent } from './fault-plan.ts';
import { withDeterminismGuard } from './guard.ts';
import { TraceHasher } from './hash.ts';
import { EventHeap } from './heap.ts';
import { PctQueue, type EventQueue, type PctEventClass } from './explore/pct-queue.ts';
import { kenSettleMs, type KenCrashPoint } from './ken-config.ts';
import { KenSimNode, type PendingSync } from './ken-sim-node.ts';
import { TransparencyChecker } from './ken-transparency.ts';
import { Network } from './network.ts';
import { protocolProperties } from './checkers/consistency-property.ts';
import { Rng } from './rng.ts';
import { resolveConfig, type ResolvedConfig, type ResolvedNode, type SimOptions } from './scenario.ts';
import type { TraceRecord, Violation } from './trace.ts';

/** Everything a run produced. The same options give the same result, bit for bit. */
export interface SimResult {
  readonly ok: boolean;
  readonly protocol: string;
  readonly seed: string;
  readonly bug: string | undefined;
  readonly violation: Violation | undefined;
  /** Hash of the whole trace; undefined when the run was made with `trace: 'none'`. */
  readonly traceHash: string | undefined;
  /** Simulation events processed. */
  readonly events: number;
  /** Simulated time at the end, in ms. */
  readonly endMs: number;
  readonly history: readonly Operation[];
  /** Every node that started, as it was at the end. */
  readonly nodes: readonly NodeView<unknown>[];
  /** The fault plan that was run (generated and explicit). */
  readonly plan: readonly FaultEvent[];
  /** Every trace record, with `trace: 'full'`. */
  readonly trace: readonly TraceRecord[] | undefined;
  readonly stats: SimStats;
  /** Per node, what its Ken layer did; undefined when Ken was off. */
  readonly ken: readonly KenReport[] | undefined;
}

export interface KenReport {
  readonly node: NodeId;
  /** Checkpoint records written over the run (a record lost in a crash and rewritten counts once). */
  readonly records: number;
  readonly fsyncs: number;
  readonly crashes: number;
  /** Restarts that found checkpoint records (a crash before the first fsync leaves none). */
  readonly recoveries: number;
  /** Crashes that left a torn record behind. */
  readonly tornWrites: number;
  /** The most messages it ever had unacknowledged to one peer (`outboxPeakPeer`), after a turn. */
  readonly outboxPeak: number;
  readonly outboxPeakPeer?: NodeId;
}

export interface SimStats {
  turns: number;
  messagesSent: number;
  messagesDelivered: number;
  messagesDropped: number;
  messagesDuplicated: number;
}

type Ev = { t: number; seq: number } & (
  | { k: 'deliver'; from: NodeId; to: NodeId; m: number; msg: unknown }
  | { k: 'timer'; node: NodeId; tag: string; id: number; inc: number }
  | { k: 'request'; client: ClientId; node: NodeId; id: RequestId; m: number; req: unknown }
  | { k: 'response'; client: ClientId; node: NodeId; id: RequestId; m: number; result: unknown; redirect: NodeId | undefined }
  | { k: 'client-timeout'; client: ClientId; id: RequestId; attempt: number }
  | { k: 'client-next'; client: ClientId }
  | { k: 'fault'; fault: FaultEvent }
  | { k: 'fsync'; node: NodeId; sync: PendingSync }
  | { k: 'join'; node: NodeId }
  | { k: 'quiesce' }
  | { k: 'end' }
);

interface SimNode {
  readonly id: NodeId;
  readonly index: number;
  readonly spec: ResolvedNode;
  readonly executor: TurnExecutor;
  /** The Ken layer, when the run has Ken on; then `executor` is unused. */
  readonly ken: KenSimNode | undefined;
  readonly rng: Rng;
  readonly view: { id: NodeId; up: boolean; paused: boolean; state: unknown };
  started: boolean;
  incarnation: number;
  readonly timers: Map<string, number>;
  deferred: Ev[];
  /** An fsync that completed while the node was paused: it takes effect on resume. */
  deferredSync: Extract<Ev, { k: 'fsync' }> | undefined;
  /** A disk fault waiting for the node's next write, to crash it mid-write. */
  tearPending: boolean;
  /** When the node last started (or restarted). */
  startedAtMs: number;
  offsetMs: number;
  rate: number;
}

interface SimClient {
  readonly id: ClientId;
  readonly index: number;
  issued: number;
  target: NodeId;
  op: Operation | undefined;
  /** The client's last finished operation (answered or given up), for the workload's next request. */
  previous: Operation | undefined;
  attempt: number;
  redirects: number;
}

/** Redirects a client follows for one operation before it waits for a timeout instead. */
const MAX_REDIRECTS_PER_OP = 8;

/**
 * One deterministic run of a protocol under a fault scenario. Build it and call `run()`
 * once; or use `simulate(options)`.
 */
export class Simulation {
  readonly config: ResolvedConfig;
  private readonly protocol: ProtocolDefinition;
  private readonly heap: EventQueue<Ev>;
  private seq = 0;
  private now = 0;
  private index = 0;
  private msgId = 0;
  private timerId = 0;
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly nodeList: SimNode[] = [];
  private nodeViews: NodeView<unknown>[] = [];
  private readonly clients = new Map<ClientId, SimClient>();
  private readonly clientList: SimClient[] = [];
  private readonly requestClient = new Map<RequestId, ClientId>();
  private readonly history: Operation[] = [];
  private readonly network: Network;
  private readonly workloadRng: Rng;
  private readonly plan: FaultEvent[];
  /** The protocol's properties and its declared consistency check. */
  private readonly properties: readonly Property[];
  private readonly always: Property[];
  private readonly hasher: TraceHasher | undefined;
  private readonly records: TraceRecord[] | undefined;
  private readonly tracing: boolean;
  private phase: 'running' | 'quiescent' = 'running';
  private workloadOpen = true;
  private dirty = false;
  private violation: Violation | undefined;
  /** What is running, for the determinism guard's message: a turn or a property check. */
  private activeNode: SimNode | undefined;
  private activeEvent: ServiceEvent['kind'] | 'initialState' = 'start';
  private activeProperty: string | undefined;
  private readonly stats: SimStats = { turns: 0, messagesSent: 0, messagesDelivered: 0, messagesDropped: 0, messagesDuplicated: 0 };
  private readonly transparency: TransparencyChecker | undefined;
  private crashPointHit = false;
  private readonly view: SystemView;
  private ran = false;

  constructor(options: SimOptions) {
    this.config = resolveConfig(options);
    this.protocol = options.protocol;
    const c = this.config;
    const root = new Rng(c.seed);
    this.network = new Network(c.network, root.fork('network'));
    this.workloadRng = root.fork('workload');
    this.heap = this.eventQueue(options, root.fork('pct'));
    this.properties = protocolProperties(this.protocol);
    this.always = this.properties.filter((p) => p.kind === 'always');
    this.tracing = c.trace !== 'none';
    this.hasher = this.tracing ? new TraceHasher() : undefined;
    this.records = c.trace === 'full' ? [] : undefined;
    this.transparency =
      c.ken === undefined ? undefined : new TransparencyChecker(() => this.now, c.ken.options.requestCacheMax);
    this.plan = sortPlan([
      ...generateFaultPlan(root.fork('faults'), {
        kinds: c.faults,
        nodes: c.nodes.map((n) => ({ id: n.id, startMs: n.startMs })),
        durationMs: c.durationMs,
        maxFaultyNodes: c.maxFaultyNodes,
        rates: c.rates,
      }),
      ...c.explicitPlan,
    ]);
    c.nodes.forEach((spec, index) => {
      const sim = this;
      const node: SimNode = {
        id: spec.id,
        index,
        spec,
        rng: root.fork(`node/${spec.id}`),
        executor: undefined as unknown as TurnExecutor,
        ken: undefined,
        view: { id: spec.id, up: false, paused: false, state: undefined },
        started: false,
        incarnation: 0,
        timers: new Map(),
        deferred: [],
        deferredSync: undefined,
        tearPending: false,
        startedAtMs: 0,
        offsetMs: 0,
        rate: 1,
      };
      const service = this.protocol.create({ bug: c.bug });
      const host = { now: () => node.offsetMs + sim.now * node.rate, random: () => node.rng.random() };
      (node as { executor: TurnExecutor }).executor = new TurnExecutor(service, spec.id, spec.cluster, host);
      if (c.ken !== undefined) {
        const observe = (e: Parameters<TransparencyChecker['observe']>[0]) => {
          const problem = sim.transparency!.observe(e);
          if (problem !== undefined) sim.fail('ken-transparency', problem);
        };
        (node as { ken: KenSimNode }).ken = new KenSimNode(spec.id, service, spec.cluster, host, c.ken, root.fork(`disk/${spec.id}`), observe);
      }
      this.nodes.set(spec.id, node);
      this.nodeList.push(node);
    });
    for (let i = 0; i < c.workload.clients; i++) {
      const id = `c${i + 1}`;
      const initial = c.nodes.filter((n) => n.startMs === 0).map((n) => n.id);
      const target = c.workload.target?.(id, i, initial) ?? initial[i % initial.length]!;
      if (!this.nodes.has(target)) throw new Error(`workload.target chose unknown node ${target}`);
      const client: SimClient = { id, index: i, issued: 0, target, op: undefined, previous: undefined, attempt: 0, redirects: 0 };
      this.clients.set(id, client);
      this.clientList.push(client);
    }
    const sim = this;
    this.view = {
      get nowMs() {
        return sim.now;
      },
      get nodes() {
        return sim.nodeViews;
      },
      history: this.history,
      get phase() {
        return sim.phase;
      },
    };
  }

  /** The plain heap, or PCT's scheduler (its steps, unless given, are the events of the same seed run with `random`). */
  private eventQueue(options: SimOptions, rng: Rng): EventQueue<Ev> {
    const s = this.config.strategy;
    if (s.kind === 'random') return new EventHeap<Ev>();
    const steps = s.steps ?? new Simulation({ ...options, strategy: { kind: 'random' }, trace: 'none' }).run().events;
    return new PctQueue<Ev>({
      // Senders: nodes, and clients (whose requests are windowed messages too).
      nodes: [...this.config.nodes.map((n) => n.id), ...Array.from({ length: this.config.workload.clients }, (_, i) => `c${i + 1}`)],
      rng,
      depth: s.depth,
      steps,
      latencyMsMin: this.config.network.latencyMsMin,
      latencyMsMax: this.config.network.latencyMsMax,
      classify: pctClass,
      now: () => this.now,
    });
  }

  /** Runs to the end (or the first violation). May be called once. */
  run(): SimResult {
    if (this.ran) throw new Error('a Simulation runs once; build a new one to run again');
    this.ran = true;
    withDeterminismGuard(
      () => this.describeActivity(),
      () => this.loop(),
    );
    return {
      ok: this.violation === undefined,
      protocol: this.protocol.name,
      seed: this.config.seed,
      bug: this.config.bug,
      violation: this.violation,
      traceHash: this.hasher?.digest(),
      events: this.index,
      endMs: this.now,
      history: this.history,
      nodes: this.nodeViews.map((v) => ({ ...v })),
      plan: this.plan,
      trace: this.records,
      stats: this.stats,
      ken: this.config.ken === undefined ? undefined : this.nodeList.map((n) => kenReport(n.ken!)),
    };
  }

  private describeActivity(): string {
    if (this.activeProperty !== undefined) return `the check of property '${this.activeProperty}'`;
    if (this.activeNode !== undefined) {
      const handler = this.activeEvent === 'initialState' ? 'initialState' : handlerName({ kind: this.activeEvent } as ServiceEvent);
      return `${this.protocol.name}.${handler} on ${this.activeNode.id}`;
    }
    return `the simulation of ${this.protocol.name}`;
  }

  private loop(): void {
    const c = this.config;
    if (this.tracing)
      this.emit({
        i: 0,
        t: 0,
        k: 'config',
        protocol: this.protocol.name,
        seed: c.seed,
        bug: c.bug ?? null,
        nodes: c.nodes.map((n) => ({ id: n.id, startMs: n.startMs, cluster: n.cluster })),
        network: c.network,
        faults: c.faults,
        plan: this.plan,
        ...(c.ken === undefined ? {} : { ken: { groupCommit: c.ken.groupCommit, fsyncMsMin: c.ken.fsyncMsMin, fsyncMsMax: c.ken.fsyncMsMax } }),
      });
    // Faults first: a fault planned for a node's start time (its clock skew) applies before it starts.
    for (const f of this.plan) this.push({ t: f.atMs, seq: 0, k: 'fault', fault: f });
    for (const n of c.nodes) this.push({ t: n.startMs, seq: 0, k: 'join', node: n.id });
    for (const cl of this.clientList)
      this.push({ t: Math.round(this.workloadRng.between(0, c.workload.thinkMs) * 1000) / 1000, seq: 0, k: 'client-next', client: cl.id });
    this.push({ t: c.durationMs, seq: 0, k: 'quiesce' });
    this.push({ t: c.durationMs + c.quietMs, seq: 0, k: 'end' });

    const maxEvents = c.maxEvents;
    for (;;) {
      const ev = this.heap.pop();
      if (ev === undefined) break;
      this.now = ev.t;
      this.index++;
      if (this.index > maxEvents) {
        this.fail('event-budget', `more than ${maxEvents} events: a livelock, or raise maxEvents`);
        break;
      }
      this.dirty = false;
      if (ev.k === 'end') {
        this.phase = 'quiescent';
        const lost = this.transparency?.lost(
          (id) => this.nodes.get(id)!.view.up,
          (from, to, atMs) => this.kenOverdue(from, to, atMs),
          (from, to, seq) => this.kenHolds(from, to, seq),
        );
        const p = c.ken?.crashPoint;
        if (lost !== undefined) this.fail('ken-transparency', lost);
        else if (p !== undefined && !this.crashPointHit)
          this.fail('ken-crash-point', `the crash point was never reached: ${p.node} wrote ${this.nodes.get(p.node)!.ken!.recordsWritten} records, not ${p.record}`);
        else this.checkProperties(this.properties);
        break;
      }
      this.handle(ev);
      if (this.violation !== undefined) break;
      if (this.dirty) this.checkProperties(this.always);
      if (this.violation !== undefined) break;
    }
  }

  private push(ev: Ev): void {
    (ev as { seq: number }).seq = ++this.seq;
    this.heap.push(ev);
  }

  private emit(rec: TraceRecord, attach?: unknown): void {
    this.hasher!.update(JSON.stringify(rec));
    if (this.records !== undefined) this.records.push(attach === undefined ? rec : { ...rec, state: attach } as TraceRecord);
  }

  private fail(property: string, message: string): void {
    if (this.violation !== undefined) return;
    this.violation = { property, message, atMs: this.now, eventIndex: this.index };
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'violation', property, message });
  }

  private checkProperties(props: readonly Property[]): void {
    const view = this.view;
    for (const p of props) {
      this.activeProperty = p.name;
      let r;
      try {
        r = p.check(view);
      } catch (err) {
        this.fail(p.name, `the check threw: ${err instanceof Error ? err.message : String(err)}`);
        return;
      } finally {
        this.activeProperty = undefined;
      }
      if (r === true || r === undefined) continue;
      this.fail(p.name, r === false ? p.description : r);
      return;
    }
  }

  private handle(ev: Ev): void {
    switch (ev.k) {
      case 'deliver': {
        const node = this.nodes.get(ev.to)!;
        if (!node.view.up) return this.dropOnArrival(ev.from, ev.to, ev.m);
        if (this.waits(node)) return void node.deferred.push(ev);
        this.stats.messagesDelivered++;
        if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'deliver', from: ev.from, to: ev.to, m: ev.m });
        const k = node.ken;
        if (k !== undefined) return this.kenTurn(node, 'message', () => k.node.frame(ev.from, ev.msg as never));
        return this.turn(node, { kind: 'message', from: ev.from, msg: ev.msg });
      }
      case 'timer': {
        const node = this.nodes.get(ev.node)!;
        if (node.incarnation !== ev.inc || node.timers.get(ev.tag) !== ev.id) return;
        if (this.waits(node)) return void node.deferred.push(ev);
        node.timers.delete(ev.tag);
        if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'timer', node: node.id, tag: ev.tag });
        const k = node.ken;
        if (k !== undefined) return this.kenTurn(node, 'timer', () => k.node.timer(ev.tag));
        return this.turn(node, { kind: 'timer', tag: ev.tag });
      }
      case 'request': {
        const node = this.nodes.get(ev.node)!;
        if (!node.view.up) return this.dropOnArrival(ev.client, ev.node, ev.m);
        if (this.waits(node)) return void node.deferred.push(ev);
        if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'request', node: node.id, client: ev.client, id: ev.id, m: ev.m });
        const k = node.ken;
        if (k !== undefined) return this.kenTurn(node, 'request', () => k.node.request(ev.id, ev.client, ev.req));
        return this.turn(node, { kind: 'request', requestId: ev.id, client: ev.client, req: ev.req });
      }
      case 'response':
        return this.clientResponse(ev);
      case 'client-timeout':
        return this.clientTimeout(ev.client, ev.id, ev.attempt);
      case 'client-next':
        return this.clientNext(this.clients.get(ev.client)!);
      case 'fault':
        return this.applyFault(ev.fault);
      case 'fsync':
        return this.fsyncDone(ev);
      case 'join':
        return this.startNode(this.nodes.get(ev.node)!);
      case 'quiesce':
        return this.quiesce();
      case 'end':
        return;
    }
  }

  private dropOnArrival(from: string, to: string, m: number): void {
    this.stats.messagesDropped++;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'drop', from, to, m, reason: 'down' });
  }

  // ---- node turns ----

  private turn(node: SimNode, event: ServiceEvent): void {
    this.activeNode = node;
    this.activeEvent = event.kind;
    this.stats.turns++;
    let result;
    try {
      result = node.executor.run(node.view.state, event);
    } catch (err) {
      this.fail('handler-error', err instanceof HandlerError ? err.message : String(err));
      return;
    } finally {
      this.activeNode = undefined;
    }
    if (result.changed) {
      node.view.state = result.state;
      this.dirty = true;
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'state', node: node.id }, this.records ? result.state : undefined);
    }
    const effects = result.effects;
    for (let i = 0; i < effects.length; i++) this.applyEffect(node, effects[i]!);
  }

  /** One call into a node's Ken layer: a turn (or a few: a delivery releases buffered ones), or a recovery. */
  private kenTurn(node: SimNode, kind: ServiceEvent['kind'], call: () => KenOutput[]): void {
    const k = node.ken!;
    this.activeNode = node;
    this.activeEvent = kind;
    this.stats.turns++;
    let out: KenOutput[];
    try {
      out = call();
    } catch (err) {
      return this.kenFailure(node, err);
    } finally {
      this.activeNode = undefined;
    }
    if (this.violation !== undefined) return; // the transparency checker objected: the run stops here
    const app = k.node.appState;
    if (app !== node.view.state) {
      node.view.state = app;
      this.dirty = true;
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'state', node: node.id }, this.records ? app : undefined);
    }
    this.applyKenOutputs(node, out);
    if (this.violation !== undefined) return;
    k.noteOutbox();
    const sync = k.beginSync(this.now);
    if (sync !== undefined) this.push({ t: sync.atMs, seq: 0, k: 'fsync', node: node.id, sync });
    if (node.tearPending && k.disk.appendedUpTo > k.disk.durableUpTo) {
      // The disk fault strikes in the middle of this write.
      return this.crashNow(node, true);
    }
    if (this.atCrashPoint(node, 'written', k.recordsWritten)) this.crashAtPoint(node);
  }

  /**
   * Whether a message from `from` to `to` released at `atMs` should have been handled by
   * now: once faults end (at `durationMs`) and both ends are up (since their last starts),
   * a retransmission follows within the backoff cap, so after twice the cap and half a
   * second of slack (latency, fsyncs, recoveries) it is overdue.
   */
  private kenOverdue(from: NodeId, to: NodeId, atMs: number): boolean {
    const since = Math.max(atMs, this.config.durationMs, this.nodes.get(from)!.startedAtMs, this.nodes.get(to)!.startedAtMs);
    return since + kenSettleMs(this.config.ken!) < this.now;
  }

  /** Whether `from` (up, with Ken) still holds message `seq` to `to` for retransmission. */
  private kenHolds(from: NodeId, to: NodeId, seq: number): boolean {
    const n = this.nodes.get(from)!;
    if (!n.view.up) return true; // down at the end: it will resend once it recovers
    return n.ken!.node.kenState.out[to]?.unacked.some((u) => u.seq === seq) === true;
  }

  private kenFailure(node: SimNode, err: unknown): void {
    if (err instanceof HandlerError) return this.fail('handler-error', err.message);
    if (err instanceof CheckpointCorruptError) return this.fail('ken-recovery', `${node.id} cannot recover: ${err.message}`);
    if (err instanceof KenOutboxFullError) return this.fail('ken-outbox-full', err.message);
    this.fail('ken-error', `${node.id}: ${err instanceof Error ? err.message : String(err)}`);
  }

  private applyKenOutputs(node: SimNode, out: readonly KenOutput[]): void {
    for (let i = 0; i < out.length; i++) {
      const o = out[i]!;
      if (o.kind === 'frame') this.sendMessage(node, o.to, o.frame);
      else this.applyEffect(node, o);
    }
  }

  /** An fsync finished: the outputs of the turns it made durable are released. */
  private fsyncDone(ev: Extract<Ev, { k: 'fsync' }>): void {
    const node = this.nodes.get(ev.node)!;
    const k = node.ken!;
    if (!node.view.up) return;
    // A paused node releases nothing: it takes the completion when it resumes.
    if (node.view.paused) return void (node.deferredSync = ev);
    if (!k.completeSync(ev.sync)) return; // begun before a crash: it never completed
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'durable', node: node.id, upTo: k.disk.durableUpTo });
    if (this.atCrashPoint(node, 'synced', k.disk.durableUpTo)) return this.crashAtPoint(node);
    let out: KenOutput[];
    this.activeNode = node;
    try {
      out = k.release();
    } catch (err) {
      return this.kenFailure(node, err);
    } finally {
      this.activeNode = undefined;
    }
    if (this.violation !== undefined) return;
    this.applyKenOutputs(node, out);
    if (this.violation !== undefined) return;
    const next = k.beginSync(this.now);
    if (next !== undefined) this.push({ t: next.atMs, seq: 0, k: 'fsync', node: node.id, sync: next });
    if (this.atCrashPoint(node, 'durable', k.disk.durableUpTo)) return this.crashAtPoint(node);
    this.releaseDeferred(node);
  }

  /** A crash that no plan scheduled (a crash point, or a disk fault that waited for a write), traced as a fault. */
  private crashNow(node: SimNode, tear: boolean): void {
    const fault: FaultEvent = tear ? { atMs: this.now, kind: 'crash', node: node.id, tear } : { atMs: this.now, kind: 'crash', node: node.id };
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'fault', fault });
    this.dirty = true;
    this.crash(node, tear);
  }

  /** Whether the configured crash point, not yet hit, is `node` at `when` with its record reached. */
  private atCrashPoint(node: SimNode, when: KenCrashPoint['when'], record: number): boolean {
    const p = this.config.ken!.crashPoint;
    return p !== undefined && !this.crashPointHit && p.node === node.id && p.when === when && record >= p.record;
  }

  /** The configured crash point is reached: crash now (once), restart `downMs` later. */
  private crashAtPoint(node: SimNode): void {
    const downMs = this.config.ken!.crashPoint!.downMs;
    this.crashPointHit = true;
    this.crashNow(node, false);
    this.push({ t: this.now + downMs, seq: 0, k: 'fault', fault: { atMs: this.now + downMs, kind: 'restart', node: node.id } });
  }

  private applyEffect(node: SimNode, e: Effect): void {
    switch (e.kind) {
      case 'send':
        return this.sendMessage(node, e.to, e.msg);
      case 'setTimer': {
        const id = ++this.timerId;
        node.timers.set(e.tag, id);
        this.push({ t: this.now + e.delayMs / node.rate, seq: 0, k: 'timer', node: node.id, tag: e.tag, id, inc: node.incarnation });
        return;
      }
      case 'cancelTimer':
        node.timers.delete(e.tag);
        return;
      case 'reply':
      case 'redirect':
        return this.respond(node, e.requestId, e.kind === 'reply' ? e.result : undefined, e.kind === 'redirect' ? e.to : undefined);
      case 'log':
        if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'log', node: node.id, text: e.text });
        return;
    }
  }

  private sendMessage(node: SimNode, to: NodeId, msg: unknown): void {
    if (!this.nodes.has(to)) return this.fail('invalid-effect', `${node.id} sent a message to unknown node '${to}'`);
    const m = ++this.msgId;
    this.stats.messagesSent++;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'send', node: node.id, to, m, msg });
    const fate = this.network.fate(node.id, to, this.now, true);
    if (fate.kind === 'drop') {
      this.stats.messagesDropped++;
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'drop', from: node.id, to, m, reason: fate.reason });
      return;
    }
    this.push({ t: fate.atMs, seq: 0, k: 'deliver', from: node.id, to, m, msg });
    if (fate.duplicateAtMs !== undefined) {
      this.stats.messagesDuplicated++;
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'dup', from: node.id, to, m });
      this.push({ t: fate.duplicateAtMs, seq: 0, k: 'deliver', from: node.id, to, m, msg });
    }
  }

  private startNode(node: SimNode): void {
    node.incarnation++;
    node.startedAtMs = this.now;
    node.view.up = true;
    node.view.paused = false;
    if (node.ken === undefined) {
      // A throw here (the determinism guard's, say) is the protocol's mistake, reported
      // as a violation like a handler's, not an error of the simulator.
      this.activeNode = node;
      this.activeEvent = 'initialState';
      try {
        node.view.state = node.executor.initialState();
      } catch (err) {
        return this.fail('handler-error', err instanceof HandlerError ? err.message : String(err));
      } finally {
        this.activeNode = undefined;
      }
    } else node.view.state = undefined;
    node.timers.clear();
    node.deferred = [];
    if (!node.started) {
      node.started = true;
      this.nodeViews = this.nodeList.filter((n) => n.started).map((n) => n.view);
    }
    this.dirty = true;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'start', node: node.id, incarnation: node.incarnation }, this.records ? node.view.state : undefined);
    const k = node.ken;
    if (k !== undefined) return this.kenTurn(node, 'start', () => k.start());
    this.turn(node, { kind: 'start' });
  }

  // ---- faults ----

  private applyFault(f: FaultEvent): void {
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'fault', fault: f });
    this.dirty = true;
    switch (f.kind) {
      case 'crash': {
        const node = this.nodes.get(f.node)!;
        const k = node.ken;
        // A disk fault is a crash in the middle of a write: with nothing being written now,
        // it strikes at the node's next write (unless its window ends first).
        if (f.tear === true && k !== undefined && node.view.up && k.disk.appendedUpTo === k.disk.durableUpTo) return void (node.tearPending = true);
        return this.crash(node, f.tear === true);
      }
      case 'restart': {
        const node = this.nodes.get(f.node)!;
        node.tearPending = false;
        if (node.view.up || !node.started) return;
        return this.startNode(node);
      }
      case 'pause': {
        const node = this.nodes.get(f.node)!;
        if (node.view.up) node.view.paused = true;
        return;
      }
      case 'resume':
        return this.resume(this.nodes.get(f.node)!);
      case 'partition':
        return this.network.partition(f.groups, this.config.nodes.map((n) => n.id));
      case 'oneway':
        return this.network.cutOneWay(f.from, f.to);
      case 'heal':
        return this.network.heal();
      case 'skew': {
        const node = this.nodes.get(f.node)!;
        node.rate = 1 + f.driftPpm / 1e6;
        node.offsetMs = f.offsetMs;
        return;
      }
    }
  }

  private crash(node: SimNode, tear: boolean): void {
    if (!node.view.up) return;
    node.view.up = false;
    node.view.paused = false;
    node.view.state = undefined;
    node.timers.clear(); // timer ids are never reused, so every pending one is now stale
    node.deferred = [];
    node.deferredSync = undefined;
    node.tearPending = false;
    if (node.ken !== undefined) this.transparency!.crashed(node.id, node.ken.crash(tear));
  }

  /** Whether `node` must hold its inputs: it is paused, or (without group commit) syncing. */
  private waits(node: SimNode): boolean {
    return node.view.paused || node.ken?.blocked === true;
  }

  private resume(node: SimNode): void {
    if (!node.view.paused) return;
    node.view.paused = false;
    const sync = node.deferredSync;
    node.deferredSync = undefined;
    if (sync !== undefined) this.push({ ...sync, t: this.now });
    this.releaseDeferred(node);
  }

  private releaseDeferred(node: SimNode): void {
    if (this.waits(node) || node.deferred.length === 0) return;
    const deferred = node.deferred;
    node.deferred = [];
    for (const ev of deferred) this.push({ ...ev, t: this.now });
  }

  /** The end of the faulty period: heal everything, stop new client operations. */
  private quiesce(): void {
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'quiesce' });
    this.workloadOpen = false;
    this.network.heal();
    this.network.config = { ...this.network.config, dropRate: 0, duplicateRate: 0 };
    this.dirty = true;
    for (const node of this.nodeList) {
      if (!node.started) continue;
      node.tearPending = false; // a disk fault still waiting for a write ends with the faults
      if (!node.view.up) this.startNode(node);
      else this.resume(node);
      if (this.violation !== undefined) return;
    }
  }

  // ---- clients ----

  private clientNext(client: SimClient): void {
    if (!this.workloadOpen) return;
    if (this.config.maxRequests !== undefined && this.history.length >= this.config.maxRequests) return;
    const n = client.issued++;
    const req = this.config.workload.next(this.workloadRng, client.id, n, client.previous);
    const op: Operation = { id: `${client.id}:${n + 1}`, client: client.id, req, invokeMs: this.now, status: 'pending', attempts: 0 };
    this.history.push(op);
    this.requestClient.set(op.id, client.id);
    client.op = op;
    client.redirects = 0;
    this.dirty = true;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'invoke', client: client.id, id: op.id, req });
    this.sendAttempt(client);
  }

  private sendAttempt(client: SimClient): void {
    const op = client.op!;
    op.attempts++;
    const attempt = ++client.attempt;
    const m = ++this.msgId;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'attempt', client: client.id, id: op.id, node: client.target, attempt: op.attempts, m });
    this.push({ t: this.now + this.config.workload.timeoutMs, seq: 0, k: 'client-timeout', client: client.id, id: op.id, attempt });
    const fate = this.network.fate(client.id, client.target, this.now, false);
    if (fate.kind === 'drop') {
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'drop', from: client.id, to: client.target, m, reason: fate.reason });
      return;
    }
    this.push({ t: fate.atMs, seq: 0, k: 'request', client: client.id, node: client.target, id: op.id, m, req: op.req });
    if (fate.duplicateAtMs !== undefined) {
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'dup', from: client.id, to: client.target, m });
      this.push({ t: fate.duplicateAtMs, seq: 0, k: 'request', client: client.id, node: client.target, id: op.id, m, req: op.req });
    }
  }

  private respond(node: SimNode, id: RequestId, result: unknown, redirect: NodeId | undefined): void {
    const client = this.requestClient.get(id);
    if (client === undefined) return this.fail('invalid-effect', `${node.id} replied to unknown request '${id}'`);
    if (redirect !== undefined && !this.nodes.has(redirect))
      return this.fail('invalid-effect', `${node.id} redirected request '${id}' to unknown node '${redirect}'`);
    const m = ++this.msgId;
    if (this.tracing) {
      if (redirect === undefined) this.emit({ i: this.index, t: this.now, k: 'reply', node: node.id, client, id, result, m });
      else this.emit({ i: this.index, t: this.now, k: 'redirect', node: node.id, client, id, to: redirect, m });
    }
    const fate = this.network.fate(node.id, client, this.now, false);
    if (fate.kind === 'drop') {
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'drop', from: node.id, to: client, m, reason: fate.reason });
      return;
    }
    this.push({ t: fate.atMs, seq: 0, k: 'response', client, node: node.id, id, m, result, redirect });
    if (fate.duplicateAtMs !== undefined) {
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'dup', from: node.id, to: client, m });
      this.push({ t: fate.duplicateAtMs, seq: 0, k: 'response', client, node: node.id, id, m, result, redirect });
    }
  }

  private clientResponse(ev: Extract<Ev, { k: 'response' }>): void {
    const client = this.clients.get(ev.client)!;
    const op = client.op;
    if (op === undefined || op.id !== ev.id || op.status !== 'pending') {
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'stale-reply', client: client.id, id: ev.id, node: ev.node, m: ev.m });
      return;
    }
    if (ev.redirect !== undefined) {
      if (client.redirects >= MAX_REDIRECTS_PER_OP) return;
      client.redirects++;
      client.target = ev.redirect;
      this.sendAttempt(client);
      return;
    }
    op.status = 'ok';
    op.completeMs = this.now;
    op.result = ev.result;
    op.node = ev.node;
    this.dirty = true;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'complete', client: client.id, id: op.id, node: ev.node, result: ev.result, m: ev.m });
    this.finishOp(client);
  }

  private clientTimeout(clientId: ClientId, id: RequestId, attempt: number): void {
    const client = this.clients.get(clientId)!;
    const op = client.op;
    if (op === undefined || op.id !== id || op.status !== 'pending' || client.attempt !== attempt) return;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'timeout', client: clientId, id, attempt: op.attempts });
    if (op.attempts <= this.config.workload.retries + client.redirects) {
      client.target = this.nextTarget(client.target);
      this.sendAttempt(client);
      return;
    }
    op.status = 'timeout';
    op.completeMs = this.now;
    this.dirty = true;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'give-up', client: clientId, id });
    this.finishOp(client);
  }

  private finishOp(client: SimClient): void {
    client.previous = client.op;
    client.op = undefined;
    if (this.workloadOpen) this.push({ t: this.now + this.config.workload.thinkMs, seq: 0, k: 'client-next', client: client.id });
  }

  /** After a timeout a client tries the next started node, in cluster order. */
  private nextTarget(current: NodeId): NodeId {
    const started = this.nodeList.filter((n) => n.started);
    const i = started.findIndex((n) => n.id === current);
    return started[(i + 1) % started.length]!.id;
  }
}

/** How PCT sees an event: messages and requests in flight are windowed and belong to their sender; timers and fsyncs are pinned to their node; the rest is the environment. */
function pctClass(ev: Ev): PctEventClass {
  switch (ev.k) {
    case 'deliver':
      return { owner: ev.from, windowed: true };
    case 'request':
      return { owner: ev.client, windowed: true };
    case 'timer':
    case 'fsync':
      return { owner: ev.node, windowed: false };
    default:
      return { owner: undefined, windowed: false };
  }
}

function kenReport(k: KenSimNode): KenReport {
  return {
    node: k.id,
    records: k.recordsWritten,
    fsyncs: k.disk.counters.syncs,
    crashes: k.disk.counters.crashes,
    recoveries: k.recoveries,
    tornWrites: k.disk.counters.tears,
    outboxPeak: k.outboxPeak,
    ...(k.outboxPeakPeer !== undefined ? { outboxPeakPeer: k.outboxPeakPeer } : {}),
  };
}

/** Runs one seed of a protocol under a scenario. */
export function simulate(options: SimOptions): SimResult {
  return new Simulation(options).run();
}
