import type { ClientId, NodeId, NodeView, Operation, RequestId, TurnExecutor } from '@faultline/runtime';
import type { ChoiceSequence } from './choices.ts';
import type { PctEventClass } from './explore/pct-queue.ts';
import type { FaultEvent } from './fault-plan.ts';
import type { Link } from './network.ts';
import type { KenSimNode, PendingSync } from './ken-sim-node.ts';
import type { Rng } from './rng.ts';
import type { ResolvedNode } from './scenario.ts';
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
  /** Every choice the run drew, when it replayed a sequence or was asked to record one. */
  readonly choices: ChoiceSequence | undefined;
  /**
   * When the run recorded or replayed its choices: per operation id, by stream label, the
   * spans [from, to) that the operation drew, in order: of `workload/<client>`, what its
   * request drew; of each network link to or from the client, what was drawn from the
   * operation's invocation to the client's next one (its attempts, duplicates and replies:
   * a client has one operation in flight; the client's last operation has none); of
   * `disk/<node>` and `node/<node>`, what the turns that took its request drew (an fsync
   * begun, `ctx.random()`). The shrinker deletes one operation's draws with them, so the
   * next one keeps its own.
   */
  readonly operationDraws: { readonly [opId: string]: { readonly [label: string]: readonly (readonly [number, number])[] } } | undefined;
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

export type Ev = { t: number; seq: number } & (
  /** `target` is the node `to` names, resolved at the send so that no delivery looks it up. */
  | { k: 'deliver'; from: NodeId; to: NodeId; target: SimNode; m: number; msg: unknown }
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

export interface SimNode {
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
  /** Where its sends to each node it has sent to go: that node, and the directed link (one look-up per send). */
  readonly routes: Map<NodeId, Route>;
  lastRoute: Route | undefined;
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

export interface Route {
  readonly target: SimNode;
  readonly link: Link;
}

export interface SimClient {
  readonly id: ClientId;
  readonly index: number;
  /** Its think times and requests (a stream of its own in the choice sequence). */
  readonly rng: Rng;
  issued: number;
  target: NodeId;
  op: Operation | undefined;
  /** The client's last finished operation (answered or given up), for the workload's next request. */
  previous: Operation | undefined;
  attempt: number;
  redirects: number;
  /** In a recorded run, how many values each network link of the client held when its current operation was invoked. */
  linksAt: Map<string, number> | undefined;
}

/** Redirects a client follows for one operation before it waits for a timeout instead. */
export const MAX_REDIRECTS_PER_OP = 8;

/** How PCT sees an event: messages and requests in flight are windowed and belong to their sender; timers and fsyncs are pinned to their node; the rest is the environment. */
export function pctClass(ev: Ev): PctEventClass {
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

export function kenReport(k: KenSimNode): KenReport {
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
