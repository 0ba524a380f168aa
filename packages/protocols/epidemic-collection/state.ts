import type { ClientId, Context, NodeId, RequestId } from '@faultline/runtime';
import type { Msg, Res, Tag, Timer } from './messages.ts';

/** A client operation whose reply waits until a second replica holds its entries. */
export interface Pending {
  readonly requestId: RequestId;
  readonly kind: 'add' | 'remove' | 'addAll' | 'clear';
  readonly adds: readonly Tag[];
  readonly tombs: readonly Tag[];
}

/** What a replica keeps at level `sequential-per-item` only (see `sequential.ts`). */
export interface HomeState {
  /** The peers that have answered this incarnation's Fetch: it serves once all have. */
  fetched: Record<NodeId, true>;
  /** Gets held back until their element has no update pending, oldest first (bounded). */
  held: { requestId: RequestId; elem: string }[];
  /** Per client, its last request here and its number (when the client sends one): older copies are ignored. */
  sessions: Record<ClientId, { requestId: RequestId; seq: number | null }>;
  /**
   * Every remove that took effect, with the tags it removed, replicated with its
   * tombstones (and in Snapshots): a copy or a retry of it, even at a restarted home, is
   * answered with them and never applied again. Never shrinks, like the tombstones.
   */
  removals: Record<RequestId, Tag[]>;
}

/** The reply a pending operation gets once it has two copies (built fresh, never from a draft). */
export function resultOf(p: Pending): Res {
  if (p.kind === 'add') return { type: 'added', tag: p.adds[0]! };
  if (p.kind === 'addAll') return { type: 'added-all', tags: [...p.adds] };
  return { type: 'removed', tags: [...p.tombs] };
}

export interface State {
  /** Random per start, so a property can tell a restarted replica from the one before the crash. */
  incarnation: number;
  /** Every add this replica has seen: tag to element. Never shrinks (removes tombstone tags instead). */
  adds: Record<Tag, string>;
  /** Tags observed removed. An element is present while it has a tag that is not tombstoned. */
  tombs: Record<Tag, true>;
  /** Client operations waiting for an acknowledgement from some peer, oldest first (bounded). */
  pending: Pending[];
  /** The peers still to visit in this gossip cycle, next last. */
  cycle: NodeId[];
  /** Gossip rounds run since this start. */
  rounds: number;
  /** Level `sequential-per-item` only. */
  home?: HomeState;
}

export type Ctx = Context<State, Msg, Res, Timer>;

export function initialState(): State {
  return { incarnation: 0, adds: {}, tombs: {}, pending: [], cycle: [], rounds: 0 };
}

/** The tags of `elem` that are present (added and not tombstoned), sorted. */
export function liveTags(s: Pick<State, 'adds' | 'tombs'>, elem: string): Tag[] {
  const out: Tag[] = [];
  for (const tag in s.adds) if (s.adds[tag] === elem && s.tombs[tag] !== true) out.push(tag);
  return out.sort();
}

/** The elements present, sorted. */
export function elements(s: Pick<State, 'adds' | 'tombs'>): string[] {
  const out = new Set<string>();
  for (const tag in s.adds) if (s.tombs[tag] !== true) out.add(s.adds[tag]!);
  return [...out].sort();
}
