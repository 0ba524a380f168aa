import type { Effect } from '../effects.ts';
import type { ClientId, NodeId, RequestId } from '../ids.ts';
import type { AnyService } from '../service.ts';
import type { TurnHost } from '../turn.ts';

/**
 * What a layer asks the host to do. `send` carries the layer's own payload to the same
 * layer on `to` (an app message without Ken, a Ken frame with it); timers with tags the
 * layer chose come back through `timer()`.
 */
export type LayerOutput = { readonly kind: 'send'; readonly to: NodeId; readonly payload: unknown } | Exclude<Effect, { kind: 'send' }>;

/**
 * What drives one node's Service between the host (network, timers) and the turns: the
 * plain layer runs each input as one turn and lets its outputs go at once; the Ken layer
 * (built by `@faultline/ken-checkpoint`'s `kenHostLayer`) checkpoints every turn and holds
 * outputs until their checkpoint is durable. Every method is synchronous and returns what
 * the host must carry out now.
 */
export interface NodeLayer {
  /** `'ken'` frames go to a Ken layer, `'msg'` frames to a plain one; the other kind is refused. */
  readonly wire: 'msg' | 'ken';
  start(): LayerOutput[];
  message(from: NodeId, payload: unknown): LayerOutput[];
  timer(tag: string): LayerOutput[];
  request(requestId: RequestId, client: ClientId, req: unknown): LayerOutput[];
  /**
   * Called by the host once the inputs that are ready have been handled (a group commit
   * point): a Ken layer syncs its checkpoint and releases what became durable.
   */
  flush(): LayerOutput[];
  /**
   * `flush` pipelined (optional): the sync runs off the event loop while the host goes on
   * handling inputs; resolves with what became durable. The host keeps one in flight.
   */
  flushAsync?(): Promise<LayerOutput[]>;
  /** Whether `flush` has work to do. */
  readonly flushPending: boolean;
  /** The app state after the last turn. */
  readonly appState: unknown;
  /** Messages to `peer` not yet acknowledged (0 for a layer without acknowledgements). */
  unackedTo(peer: NodeId): number;
  /** Counters worth showing (turns, records, syncs...). */
  stats(): Record<string, number>;
  /** Releases files; called once, after a last `flush`. */
  close(): void;
}

/** What a layer factory gets to build the layer. */
export interface LayerSetup {
  readonly service: AnyService;
  readonly self: NodeId;
  readonly cluster: readonly NodeId[];
  /** Real clock and randomness (the layer's turn executor reads them). */
  readonly host: TurnHost;
}

export type LayerFactory = (setup: LayerSetup) => NodeLayer;
