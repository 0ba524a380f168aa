import {
  HandlerError,
  handlerName,
  type Effect,
  type NodeId,
  type Property,
  type ServiceEvent,
} from '@faultline/runtime';
import type { FaultEvent } from './fault-plan.ts';
import { withDeterminismGuard } from './guard.ts';
import { EventHeap } from './heap.ts';
import { PctQueue, type EventQueue } from './explore/pct-queue.ts';
import type { Rng } from './rng.ts';
import type { SimOptions } from './scenario.ts';
import { SimulationClients } from './simulation-clients.ts';
import { kenReport, pctClass, type Ev, type SimNode, type SimResult } from './simulation-types.ts';

export type { KenReport, SimResult, SimStats } from './simulation-types.ts';

/**
 * One deterministic run of a protocol under a fault scenario. Build it and call `run()`
 * once; or use `simulate(options)`.
 */
export class Simulation extends SimulationClients {
  /** The one message event every delivery's turn is handed, filled in anew (a turn keeps no reference to its event). */
  private readonly arrival: { kind: 'message'; from: NodeId; msg: unknown } = { kind: 'message', from: '', msg: undefined };

  /** The plain heap, or PCT's scheduler (its steps, unless given, are the events of the same seed run with `random`). */
  protected eventQueue(options: SimOptions, rng: Rng): EventQueue<Ev> {
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
      choices: this.choices.sequence(),
      operationDraws: this.choices.recording ? this.operationDraws : undefined,
    };
  }

  protected describeActivity(): string {
    if (this.activeProperty !== undefined) return `the check of property '${this.activeProperty}'`;
    if (this.activeNode !== undefined) {
      const handler = this.activeEvent === 'initialState' ? 'initialState' : handlerName({ kind: this.activeEvent } as ServiceEvent);
      return `${this.protocol.name}.${handler} on ${this.activeNode.id}`;
    }
    return `the simulation of ${this.protocol.name}`;
  }

  protected loop(): void {
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
        ...(c.options === undefined ? {} : { options: c.options }),
        ...(c.ken === undefined ? {} : { ken: { groupCommit: c.ken.groupCommit, fsyncMsMin: c.ken.fsyncMsMin, fsyncMsMax: c.ken.fsyncMsMax } }),
      });
    // Faults first: a fault planned for a node's start time (its clock skew) applies before it starts.
    for (const f of this.plan) this.push({ t: f.atMs, seq: 0, k: 'fault', fault: f });
    for (const n of c.nodes) this.push({ t: n.startMs, seq: 0, k: 'join', node: n.id });
    for (const cl of this.clientList)
      this.push({ t: Math.round(((c.clientDelayMs?.[cl.id]?.[0] ?? 0) + cl.rng.between(0, c.workload.thinkMs)) * 1000) / 1000, seq: 0, k: 'client-next', client: cl.id });
    this.push({ t: c.durationMs, seq: 0, k: 'quiesce' });
    this.push({ t: c.durationMs + c.quietMs, seq: 0, k: 'end' });

    const maxEvents = c.maxEvents;
    for (;;) {
      const ev = this.heap.pop();
      if (ev === undefined) break;
      this.choices.tick();
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

  /** A request's arrival at its node. */
  private request(ev: Extract<Ev, { k: 'request' }>): void {
    const node = this.nodes.get(ev.node)!;
    if (!node.view.up) return this.dropOnArrival(ev.client, ev.node, ev.m);
    if (this.waits(node)) return void node.deferred.push(ev);
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'request', node: node.id, client: ev.client, id: ev.id, m: ev.m });
    const k = node.ken;
    if (k !== undefined) return this.kenTurn(node, 'request', () => k.node.request(ev.id, ev.client, ev.req));
    return this.turn(node, { kind: 'request', requestId: ev.id, client: ev.client, req: ev.req });
  }

  protected checkProperties(props: readonly Property[]): void {
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

  protected handle(ev: Ev): void {
    switch (ev.k) {
      case 'deliver': {
        const node = ev.target;
        if (!node.view.up) return this.dropOnArrival(ev.from, ev.to, ev.m);
        if (this.waits(node)) return void node.deferred.push(ev);
        this.stats.messagesDelivered++;
        if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'deliver', from: ev.from, to: ev.to, m: ev.m });
        const k = node.ken;
        if (k !== undefined) return this.kenTurn(node, 'message', () => k.node.frame(ev.from, ev.msg as never));
        const arrival = this.arrival;
        arrival.from = ev.from;
        arrival.msg = ev.msg;
        return this.turn(node, arrival);
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
      case 'request':
        return this.choices.recording ? this.requestTurn(ev.id, ev.node, () => this.request(ev)) : this.request(ev);
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

  protected dropOnArrival(from: string, to: string, m: number): void {
    this.stats.messagesDropped++;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'drop', from, to, m, reason: 'down' });
  }

  // ---- node turns ----

  protected turn(node: SimNode, event: ServiceEvent): void {
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


  protected applyEffect(node: SimNode, e: Effect): void {
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

  protected sendMessage(node: SimNode, to: NodeId, msg: unknown): void {
    // The last route first: most turns send where the last one did (a string compare, not a hash look-up).
    let route = node.lastRoute;
    if (route === undefined || route.target.id !== to) {
      route = node.routes.get(to);
      if (route === undefined) {
        const target = this.nodes.get(to);
        if (target === undefined) return this.fail('invalid-effect', `${node.id} sent a message to unknown node '${to}'`);
        node.routes.set(to, (route = { target, link: this.network.link(node.id, to) }));
      }
      node.lastRoute = route;
    }
    const target = route.target;
    const m = ++this.msgId;
    this.stats.messagesSent++;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'send', node: node.id, to, m, msg });
    const fate = this.network.fate(node.id, to, this.now, true, route.link);
    if (fate.kind === 'drop') {
      this.stats.messagesDropped++;
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'drop', from: node.id, to, m, reason: fate.reason });
      return;
    }
    this.push({ t: fate.atMs, seq: 0, k: 'deliver', from: node.id, to, target, m, msg });
    if (fate.duplicateAtMs !== undefined) {
      this.stats.messagesDuplicated++;
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'dup', from: node.id, to, m });
      this.push({ t: fate.duplicateAtMs, seq: 0, k: 'deliver', from: node.id, to, target, m, msg });
    }
  }

  protected startNode(node: SimNode): void {
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

  protected applyFault(f: FaultEvent): void {
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

  protected crash(node: SimNode, tear: boolean): void {
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
  protected waits(node: SimNode): boolean {
    return node.view.paused || node.ken?.blocked === true;
  }

  protected resume(node: SimNode): void {
    if (!node.view.paused) return;
    node.view.paused = false;
    const sync = node.deferredSync;
    node.deferredSync = undefined;
    if (sync !== undefined) this.push({ ...sync, t: this.now });
    this.releaseDeferred(node);
  }

  protected releaseDeferred(node: SimNode): void {
    if (this.waits(node) || node.deferred.length === 0) return;
    const deferred = node.deferred;
    node.deferred = [];
    for (const ev of deferred) this.push({ ...ev, t: this.now });
  }

  /** The end of the faulty period: heal everything, stop new client operations. */
  protected quiesce(): void {
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
}

/** Runs one seed of a protocol under a scenario. */
export function simulate(options: SimOptions): SimResult {
  return new Simulation(options).run();
}
