import type { ClientId, NodeId, RequestId } from './ids.ts';

/** One input to a service: a turn handles exactly one of these. */
export type ServiceEvent<M = unknown, Req = unknown> =
  | { readonly kind: 'start' }
  | { readonly kind: 'message'; readonly from: NodeId; readonly msg: M }
  | { readonly kind: 'timer'; readonly tag: string }
  | { readonly kind: 'request'; readonly requestId: RequestId; readonly client: ClientId; readonly req: Req };

export type ServiceEventKind = ServiceEvent['kind'];
