import type { NodeId, RequestId } from './ids.ts';

/**
 * What a turn asks its driver to do once the turn is over. Plain data. A reply names only
 * the request: the driver knows which client is waiting for it.
 */
export type Effect<M = unknown, Res = unknown> =
  | { readonly kind: 'send'; readonly to: NodeId; readonly msg: M }
  | { readonly kind: 'setTimer'; readonly tag: string; readonly delayMs: number }
  | { readonly kind: 'cancelTimer'; readonly tag: string }
  | { readonly kind: 'reply'; readonly requestId: RequestId; readonly result: Res }
  | { readonly kind: 'redirect'; readonly requestId: RequestId; readonly to: NodeId }
  | { readonly kind: 'log'; readonly text: string };

export type EffectKind = Effect['kind'];
