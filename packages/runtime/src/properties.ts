import { canonicalJson } from './canonical.ts';
import type { History } from './history.ts';
import type { NodeId } from './ids.ts';

/** A node as a property sees it. `state` is undefined while the node is down. */
export interface NodeView<S> {
  readonly id: NodeId;
  readonly up: boolean;
  readonly paused: boolean;
  readonly state: S | undefined;
}

/** What a property is checked against: every node and the client history so far. */
export interface SystemView<S = unknown, Req = unknown, Res = unknown> {
  readonly nowMs: number;
  /** Every node that has started at least once, in cluster order. */
  readonly nodes: readonly NodeView<S>[];
  readonly history: History<Req, Res>;
  /**
   * `running` while the workload and faults go on; `quiescent` once every fault has been
   * healed and the system has been quiet for the scenario's quiet period.
   */
  readonly phase: 'running' | 'quiescent';
}

/** `true` (or `undefined`) when the property holds; otherwise why it does not. */
export type PropertyResult = true | undefined | false | string;

export interface Property<S = unknown, Req = unknown, Res = unknown> {
  readonly name: string;
  /** `always`: after every event. `eventually`: once the system is quiescent. */
  readonly kind: 'always' | 'eventually';
  readonly description: string;
  check(view: SystemView<S, Req, Res>): PropertyResult;
  /**
   * The property keeps no memory from one view to the next: its verdict on a view depends
   * on that view alone (a cache keyed on `view.history` is fine if it never changes a
   * verdict). `faultline check` then checks it on each new state only instead of showing
   * it the state's whole path again. Undeclared, the checker still checks a property that
   * never reads `view.history` on the new state alone: memory a property keeps must be
   * keyed on the run's history array (see docs/exploration.md, "Properties with memory").
   */
  readonly memoryless?: boolean;
  /**
   * The property's memory made explicit (see `PropertyMonitor`): `check` is then the
   * monitor run on the views of one history array, and `faultline check` carries each
   * state's memory to its successors instead of showing the property the state's path.
   */
  readonly monitor?: PropertyMonitor<S, Req, Res, unknown>;
}

/**
 * A property with memory written as a fold over a run's views: `next` gives the verdict on
 * a view and the memory after it, from the memory after the view before (`initial` before
 * the first). It must not change the memory it is given: a search hands one state's memory
 * to each of the state's successors.
 */
export interface PropertyMonitor<S, Req, Res, M> {
  readonly initial: M;
  next(memory: M, view: SystemView<S, Req, Res>): { readonly memory: M; readonly result: PropertyResult };
}

/** An `always` property whose memory is its monitor's: each run (history array) has its own, from `initial`. */
export function alwaysWithMemory<S, Req = unknown, Res = unknown, M = unknown>(name: string, description: string, monitor: PropertyMonitor<S, Req, Res, M>): Property<S, Req, Res> {
  const memories = new WeakMap<History<Req, Res>, M>();
  const check = (view: SystemView<S, Req, Res>): PropertyResult => {
    const r = monitor.next(memories.has(view.history) ? memories.get(view.history)! : monitor.initial, view);
    memories.set(view.history, r.memory);
    return r.result;
  };
  return { name, kind: 'always', description, check, monitor: monitor as PropertyMonitor<S, Req, Res, unknown> };
}

/** How a property is checked (see `Property.memoryless`). */
export interface PropertyOptions {
  readonly memoryless?: boolean;
}

function property<S, Req, Res>(
  kind: Property['kind'],
  name: string,
  description: string,
  check: (view: SystemView<S, Req, Res>) => PropertyResult,
  options: PropertyOptions | undefined,
): Property<S, Req, Res> {
  return options?.memoryless === true ? { name, kind, description, check, memoryless: true } : { name, kind, description, check };
}

export function always<S, Req = unknown, Res = unknown>(
  name: string,
  description: string,
  check: (view: SystemView<S, Req, Res>) => PropertyResult,
  options?: PropertyOptions,
): Property<S, Req, Res> {
  return property('always', name, description, check, options);
}

export function eventually<S, Req = unknown, Res = unknown>(
  name: string,
  description: string,
  check: (view: SystemView<S, Req, Res>) => PropertyResult,
  options?: PropertyOptions,
): Property<S, Req, Res> {
  return property('eventually', name, description, check, options);
}

/** The up nodes with their states, for the common case of checking live replicas. */
export function liveStates<S>(view: SystemView<S, unknown, unknown>): { id: NodeId; state: S }[] {
  const out: { id: NodeId; state: S }[] = [];
  for (const n of view.nodes) if (n.up && n.state !== undefined) out.push({ id: n.id, state: n.state });
  return out;
}

/**
 * An `eventually` property: every up node's `project(state)` is the same (structurally),
 * e.g. the replicas' stores after heal. Fails naming the first pair that differs.
 */
export function converges<S, Req = unknown, Res = unknown>(
  name: string,
  description: string,
  project: (state: S) => unknown,
): Property<S, Req, Res> {
  return eventually<S, Req, Res>(name, description, (view) => {
    const live = liveStates(view as SystemView<S, unknown, unknown>);
    const first = live[0];
    if (first === undefined) return true;
    const expected = canonicalJson(project(first.state));
    for (const n of live.slice(1)) {
      const got = canonicalJson(project(n.state));
      if (got !== expected) return `${first.id} and ${n.id} differ: ${clip(expected)} vs ${clip(got)}`;
    }
    return true;
  });
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
