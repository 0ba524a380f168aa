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
