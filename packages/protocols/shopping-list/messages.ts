import type { CollectionMsg, CollectionTimer, State as CollectionState, Tag } from '../epidemic-collection/index.ts';

/** The list's two collections: what is still to buy, and what was bought. */
export type ListName = 'needed' | 'pantry';

export type Req =
  | { readonly type: 'need'; readonly item: string }
  /** A recipe's ingredients, added as one operation (`addAll`). */
  | { readonly type: 'recipe'; readonly items: readonly string[] }
  /** Moves an item from `needed` to `pantry` (a remove and an add, answered once both have a second copy). */
  | { readonly type: 'bought'; readonly item: string }
  /** Empties `needed` (`clear`). */
  | { readonly type: 'checkout' }
  | { readonly type: 'has'; readonly item: string }
  | { readonly type: 'list' }
  | { readonly type: 'pantry' };

export type Res =
  | { readonly type: 'needed'; readonly tags: readonly Tag[] }
  | { readonly type: 'bought'; readonly removed: readonly Tag[]; readonly tag: Tag }
  | { readonly type: 'checked-out'; readonly removed: readonly Tag[] }
  | { readonly type: 'has'; readonly present: boolean }
  | { readonly type: 'items'; readonly items: readonly string[] }
  | { readonly type: 'error'; readonly error: string };

export type Msg = CollectionMsg<ListName>;
export type Timer = CollectionTimer<ListName>;

/** A `bought` whose two updates are not both settled yet. */
export interface Move {
  removed: Tag[] | null;
  tag: Tag | null;
}

export interface State {
  readonly needed: CollectionState;
  readonly pantry: CollectionState;
  /** Per request id, a `bought` waiting for its second half. */
  moves: Record<string, Move>;
}
