import {
  TurnExecutor,
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
import { TraceHasher } from './hash.ts';
import type { EventQueue } from './explore/pct-queue.ts';
import { KenSimNode } from './ken-sim-node.ts';
import { TransparencyChecker } from './ken-transparency.ts';
import { Network } from './network.ts';
import { protocolProperties } from './checkers/consistency-property.ts';
import { Choices } from './choices.ts';
import { Rng } from './rng.ts';
import { createOptions, resolveConfig, type ResolvedConfig, type SimOptions } from './scenario.ts';
import type { Ev, SimClient, SimNode, SimStats } from './simulation-types.ts';
import type { TraceRecord, Violation } from './trace.ts';

/**
 * A run's state and the few steps every part of it uses (queueing an event, tracing a
 * record, failing a property). The Ken layer, the clients and the event loop build on it.
 */
export abstract class SimulationState {
  readonly config: ResolvedConfig;
  protected readonly protocol: ProtocolDefinition;
  protected readonly heap: EventQueue<Ev>;
  protected seq = 0;
  protected now = 0;
  protected index = 0;
  protected msgId = 0;
  protected timerId = 0;
  protected readonly nodes = new Map<NodeId, SimNode>();
  protected readonly nodeList: SimNode[] = [];
  protected nodeViews: NodeView<unknown>[] = [];
  protected readonly clients = new Map<ClientId, SimClient>();
  protected readonly clientList: SimClient[] = [];
  protected readonly requestClient = new Map<RequestId, ClientId>();
  protected readonly history: Operation[] = [];
  /** Per operation id, the spans of its client's own streams it drew (recorded runs only): see `SimResult.operationDraws`. */
  protected readonly operationDraws: Record<string, Record<string, [number, number][]>> = {};
  protected readonly network: Network;
  /** Where every random draw of the run comes from (recorded or replayed, when asked). */
  protected readonly choices: Choices;
  protected readonly plan: FaultEvent[];
  /** The protocol's properties and its declared consistency check. */
  protected readonly properties: readonly Property[];
  protected readonly always: Property[];
  protected readonly hasher: TraceHasher | undefined;
  protected readonly records: TraceRecord[] | undefined;
  protected readonly tracing: boolean;
  protected phase: 'running' | 'quiescent' = 'running';
  protected workloadOpen = true;
  protected dirty = false;
  protected violation: Violation | undefined;
  /** What is running, for the determinism guard's message: a turn or a property check. */
  protected activeNode: SimNode | undefined;
  protected activeEvent: ServiceEvent['kind'] | 'initialState' = 'start';
  protected activeProperty: string | undefined;
  protected readonly stats: SimStats = { turns: 0, messagesSent: 0, messagesDelivered: 0, messagesDropped: 0, messagesDuplicated: 0 };
  protected readonly transparency: TransparencyChecker | undefined;
  protected crashPointHit = false;
  protected readonly view: SystemView;
  protected ran = false;

  constructor(options: SimOptions) {
    this.config = resolveConfig(options);
    this.protocol = options.protocol;
    const c = this.config;
    const root = new Rng(c.seed);
    const choices = (this.choices = new Choices(root, options.choices, options.recordChoices === true));
    this.network = new Network(c.network, (link) => choices.stream(`network/${link}`, 'network'));
    this.heap = this.eventQueue(options, choices.stream('pct'));
    this.properties = protocolProperties(this.protocol);
    this.always = this.properties.filter((p) => p.kind === 'always');
    this.tracing = c.trace !== 'none';
    this.hasher = this.tracing ? new TraceHasher() : undefined;
    this.records = c.trace === 'full' ? [] : undefined;
    this.transparency =
      c.ken === undefined ? undefined : new TransparencyChecker(() => this.now, c.ken.options.requestCacheMax);
    this.plan = sortPlan([
      ...generateFaultPlan(choices.stream('faults'), {
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
        rng: choices.stream(`node/${spec.id}`),
        executor: undefined as unknown as TurnExecutor,
        ken: undefined,
        view: { id: spec.id, up: false, paused: false, state: undefined },
        started: false,
        incarnation: 0,
        timers: new Map(),
        routes: new Map(),
        lastRoute: undefined,
        deferred: [],
        deferredSync: undefined,
        tearPending: false,
        startedAtMs: 0,
        offsetMs: 0,
        rate: 1,
      };
      const service = this.protocol.create(createOptions(c));
      const host = { now: () => node.offsetMs + sim.now * node.rate, random: () => node.rng.random() };
      (node as { executor: TurnExecutor }).executor = new TurnExecutor(service, spec.id, spec.cluster, host, true);
      if (c.ken !== undefined) {
        const observe = (e: Parameters<TransparencyChecker['observe']>[0]) => {
          const problem = sim.transparency!.observe(e);
          if (problem !== undefined) sim.fail('ken-transparency', problem);
        };
        (node as { ken: KenSimNode }).ken = new KenSimNode(spec.id, service, spec.cluster, host, c.ken, choices.stream(`disk/${spec.id}`), observe);
      }
      this.nodes.set(spec.id, node);
      this.nodeList.push(node);
    });
    for (let i = 0; i < c.workload.clients; i++) {
      const id = `c${i + 1}`;
      const initial = c.nodes.filter((n) => n.startMs === 0).map((n) => n.id);
      const target = c.workload.target?.(id, i, initial) ?? initial[i % initial.length]!;
      if (!this.nodes.has(target)) throw new Error(`workload.target chose unknown node ${target}`);
      const client: SimClient = { id, index: i, rng: choices.stream(`workload/${id}`, 'workload'), issued: 0, target, op: undefined, previous: undefined, attempt: 0, redirects: 0, linksAt: undefined };
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


  protected push(ev: Ev): void {
    (ev as { seq: number }).seq = ++this.seq;
    this.heap.push(ev);
  }

  protected emit(rec: TraceRecord, attach?: unknown): void {
    this.hasher!.update(JSON.stringify(rec));
    if (this.records !== undefined) this.records.push(attach === undefined ? rec : { ...rec, state: attach } as TraceRecord);
  }

  protected fail(property: string, message: string): void {
    if (this.violation !== undefined) return;
    this.violation = { property, message, atMs: this.now, eventIndex: this.index };
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'violation', property, message });
  }


  /** The plain heap, or PCT's scheduler. */
  protected abstract eventQueue(options: SimOptions, rng: Rng): EventQueue<Ev>;
  protected abstract applyEffect(node: SimNode, e: Effect): void;
  protected abstract sendMessage(node: SimNode, to: NodeId, msg: unknown): void;
  protected abstract crash(node: SimNode, tear: boolean): void;
  protected abstract releaseDeferred(node: SimNode): void;
}
