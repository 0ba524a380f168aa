import type { ClientId, NodeId, RequestId } from '@faultline/runtime';
import type { FaultEvent } from './fault-plan.ts';
import type { NetworkConfig } from './network.ts';

/** Where a property failed, or why the run could not go on. */
export interface Violation {
  readonly property: string;
  readonly message: string;
  readonly atMs: number;
  /** Index of the simulation event after which the violation was seen. */
  readonly eventIndex: number;
}

type Body =
  | {
      k: 'config';
      protocol: string;
      seed: string;
      bug: string | null;
      nodes: { id: NodeId; startMs: number; cluster: readonly NodeId[] }[];
      network: NetworkConfig;
      faults: readonly string[];
      plan: readonly FaultEvent[];
      /** The scenario's protocol options, when it gives any. */
      options?: { readonly [option: string]: unknown };
      ken?: { groupCommit: boolean; fsyncMsMin: number; fsyncMsMax: number };
    }
  /** With `trace: 'full'`, `state` is the state the start handler sees (none with Ken: it recovers). */
  | { k: 'start'; node: NodeId; incarnation: number; state?: unknown }
  | { k: 'send'; node: NodeId; to: NodeId; m: number; msg: unknown }
  | { k: 'drop'; from: string; to: string; m: number; reason: 'loss' | 'partition' | 'down' }
  | { k: 'dup'; from: string; to: string; m: number }
  | { k: 'deliver'; from: NodeId; to: NodeId; m: number }
  | { k: 'timer'; node: NodeId; tag: string }
  | { k: 'state'; node: NodeId; state?: unknown }
  | { k: 'fault'; fault: FaultEvent }
  | { k: 'invoke'; client: ClientId; id: RequestId; req: unknown }
  | { k: 'attempt'; client: ClientId; id: RequestId; node: NodeId; attempt: number; m: number }
  | { k: 'request'; node: NodeId; client: ClientId; id: RequestId; m: number }
  | { k: 'reply'; node: NodeId; client: ClientId; id: RequestId; result: unknown; m: number }
  | { k: 'redirect'; node: NodeId; client: ClientId; id: RequestId; to: NodeId; m: number }
  | { k: 'complete'; client: ClientId; id: RequestId; node: NodeId; result: unknown; m: number }
  | { k: 'stale-reply'; client: ClientId; id: RequestId; node: NodeId; m: number }
  | { k: 'timeout'; client: ClientId; id: RequestId; attempt: number }
  | { k: 'give-up'; client: ClientId; id: RequestId }
  | { k: 'log'; node: NodeId; text: string }
  /** With Ken: an fsync completed; the node's checkpoint records up to `upTo` are durable. */
  | { k: 'durable'; node: NodeId; upTo: number }
  | { k: 'quiesce' }
  | { k: 'violation'; property: string; message: string };

/**
 * One line of a trace. `i` numbers the simulation event the record belongs to (several
 * records may share one: a delivery and the sends of the turn it caused), `t` is
 * simulated time in ms.
 */
export type TraceRecord = { readonly i: number; readonly t: number } & Readonly<Body>;
export type TraceKind = TraceRecord['k'];
