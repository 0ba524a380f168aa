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
}

export function always<S, Req = unknown, Res = unknown>(
  name: string,
  description: string,
  check: (view: SystemView<S, Req, Res>) => PropertyResult,
): Property<S, Req, Res> {
  return { name, kind: 'always', description, check };
}

export function eventually<S, Req = unknown, Res = unknown>(
  name: string,
  description: string,
  check: (view: SystemView<S, Req, Res>) => PropertyResult,
): Property<S, Req, Res> {
  return { name, kind: 'eventually', description, check };
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
