import { EventHeap, type Timed } from '../heap.ts';
import type { Rng } from '../rng.ts';

/** What the simulation's loop needs of its pending events: the plain heap, or a strategy's scheduler. */
export interface EventQueue<E extends Timed> {
  push(e: E): void;
  pop(): E | undefined;
}

/** How PCT sees one event: the node (or client) whose step it is, i.e. a message's sender or a timer's node (undefined: the environment), and whether its time is a window. */
export interface PctEventClass {
  readonly owner: string | undefined;
  /** A message or request in flight: it may arrive anywhere in its latency window, not only at its drawn time. */
  readonly windowed: boolean;
}

export interface PctQueueOptions<E> {
  /** Every owner that gets a priority: nodes, and clients. */
  readonly nodes: readonly string[];
  readonly rng: Rng;
  readonly depth: number;
  /** The expected number of events of the run: change points are drawn uniformly in [1, steps]. */
  readonly steps: number;
  readonly latencyMsMin: number;
  readonly latencyMsMax: number;
  readonly classify: (e: E) => PctEventClass;
  /** The simulation's clock when an event is pushed (its send time, for messages). */
  readonly now: () => number;
}

interface InFlight<E> {
  readonly ev: E;
  readonly owner: string;
  readonly earliestMs: number;
  readonly deadlineMs: number;
}

interface ChangePoint {
  readonly step: number;
  readonly priority: number;
}

/**
 * PCT's scheduler for a timed simulation. Events pinned to a time (timers, fsyncs, faults,
 * clients) stay in a heap; messages and requests in flight may arrive anywhere from their
 * send time plus the minimum latency up to their deadline (the send time plus the maximum
 * latency, or their drawn time if later). At each step the horizon is the earliest time by
 * which something must happen; the environment's events due then go first, and otherwise,
 * of the events that may happen by the horizon, the one whose owner (a message's sender, a
 * timer's node) has the highest priority goes (ties: earliest possible time, then the
 * order they were scheduled), so a low-priority node is a slow node: its messages arrive
 * as late as the network allows. Priorities start as a random permutation of
 * [depth, depth + owners); at each of the depth - 1 change points, the owner of the event
 * that goes then drops to a priority below every initial one. Deadlines are never passed, so the run stays within the network's timing.
 */
export class PctQueue<E extends Timed> implements EventQueue<E> {
  private readonly pinned = new EventHeap<E>();
  private readonly inFlight: InFlight<E>[] = [];
  private readonly priority = new Map<string, number>();
  private readonly changes: ChangePoint[];
  private nextChange = 0;
  private step = 0;
  private clockMs = 0;

  constructor(private readonly o: PctQueueOptions<E>) {
    o.rng.shuffle(o.nodes).forEach((n, i) => this.priority.set(n, o.depth + i));
    const steps = new Set<number>();
    const changes: ChangePoint[] = [];
    // Distinct steps; bounded by the number of possible steps.
    while (changes.length < Math.min(o.depth - 1, o.steps)) {
      const step = 1 + o.rng.int(o.steps);
      if (steps.has(step)) continue;
      steps.add(step);
      changes.push({ step, priority: o.depth - 1 - changes.length });
    }
    this.changes = changes.sort((a, b) => a.step - b.step);
  }

  /** The node priorities now, highest first (for tests and traces). */
  priorities(): string[] {
    return [...this.priority.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
  }

  /** The steps at which a priority changes. */
  changePoints(): number[] {
    return this.changes.map((c) => c.step);
  }

  push(e: E): void {
    const c = this.o.classify(e);
    if (c.owner === undefined || !c.windowed) return this.pinned.push(e);
    const now = this.o.now();
    this.inFlight.push({
      ev: e,
      owner: c.owner,
      earliestMs: Math.min(e.t, now + this.o.latencyMsMin),
      deadlineMs: Math.max(e.t, now + this.o.latencyMsMax),
    });
  }

  pop(): E | undefined {
    this.step++;
    const top = this.pinned.peek();
    let horizonMs = top?.t ?? Infinity;
    for (const f of this.inFlight) if (f.deadlineMs < horizonMs) horizonMs = f.deadlineMs;
    if (horizonMs === Infinity) return undefined;
    const topOwner = top !== undefined && top.t === horizonMs ? this.o.classify(top).owner : null;
    if (top !== undefined && top.t === horizonMs && topOwner === undefined) return this.take(this.pinned.pop()!);
    let best = -1; // index in inFlight; -1: the pinned top (when it is a candidate)
    let bestPriority = topOwner === null ? -Infinity : this.priorityOf(topOwner!);
    let bestAt = horizonMs;
    let bestSeq = top?.seq ?? Infinity;
    for (let i = 0; i < this.inFlight.length; i++) {
      const f = this.inFlight[i]!;
      if (f.earliestMs > horizonMs) continue;
      const p = this.priorityOf(f.owner);
      const at = Math.max(this.clockMs, f.earliestMs);
      if (p > bestPriority || (p === bestPriority && (at < bestAt || (at === bestAt && f.ev.seq < bestSeq)))) {
        best = i;
        bestPriority = p;
        bestAt = at;
        bestSeq = f.ev.seq;
      }
    }
    let ev: E;
    let owner: string;
    if (best < 0) {
      ev = this.pinned.pop()!;
      owner = topOwner!;
    } else {
      const f = this.inFlight.splice(best, 1)[0]!;
      ev = f.ev;
      owner = f.owner;
      (ev as { t: number }).t = bestAt;
    }
    this.maybeChange(owner);
    return this.take(ev);
  }

  private take(ev: E): E {
    this.clockMs = ev.t;
    return ev;
  }

  private priorityOf(node: string): number {
    return this.priority.get(node) ?? 0;
  }

  /** A change point reached (on this step or on an environment step since): the node that runs now drops. */
  private maybeChange(owner: string): void {
    const c = this.changes[this.nextChange];
    if (c === undefined || this.step < c.step) return;
    this.nextChange++;
    this.priority.set(owner, c.priority);
  }
}
