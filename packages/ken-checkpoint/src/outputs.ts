import type { Effect, NodeId, RequestId } from '@faultline/runtime';
import type { KenFrame } from './frames.ts';

/**
 * What a KenNode asks its driver to do now. Frames, replies and redirects leave only once
 * the turn that produced them is durable; timers and logs are local and leave at once.
 * Timer tags that start with `ken:` are Ken's own; hand them back through `timer()`.
 */
export type KenOutput = { readonly kind: 'frame'; readonly to: NodeId; readonly frame: KenFrame } | Exclude<Effect, { kind: 'send' }>;

/**
 * For transparency checkers. `app-deliver` is reported when the turn runs: if the node
 * crashes before `record` is durable the delivery is undone, and the message will be
 * delivered (and reported) again after recovery. `release-send` is reported once per
 * message per KenNode instance, when it first goes out (after recovery, that includes
 * resending whatever was unacknowledged). `release-reply` with `cached` is a retried
 * request answered from the cache. `app-request` is reported when a client request reaches
 * the app (a retry answered from the cache does not); like `app-deliver`, it is undone if
 * `record` is lost in a crash.
 */
export type KenObservation =
  | { readonly kind: 'app-deliver'; readonly node: NodeId; readonly from: NodeId; readonly seq: number; readonly msg: unknown; readonly record: number }
  | { readonly kind: 'app-request'; readonly node: NodeId; readonly requestId: RequestId; readonly record: number }
  | { readonly kind: 'release-send'; readonly node: NodeId; readonly to: NodeId; readonly seq: number; readonly msg: unknown }
  | { readonly kind: 'release-reply'; readonly node: NodeId; readonly requestId: RequestId; readonly result: unknown; readonly cached: boolean };
