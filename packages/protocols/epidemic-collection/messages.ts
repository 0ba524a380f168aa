/** A tag names one add: the id of the client request that added the element (kept across retries). */
export type Tag = string;

/**
 * Client requests. `seq`, optional, is the client's own request number (0, 1, 2, ...):
 * at level `sequential-per-item` a home ignores a late copy of a request older than the
 * client's last one (the network may duplicate and delay a request long after its answer).
 */
export type Req =
  | { readonly type: 'add'; readonly elem: string; readonly seq?: number }
  | { readonly type: 'remove'; readonly elem: string; readonly seq?: number }
  | { readonly type: 'get'; readonly elem: string; readonly seq?: number }
  | { readonly type: 'size'; readonly seq?: number }
  | { readonly type: 'iterate'; readonly seq?: number }
  /** Adds every element as one operation: one tag each (`<request id>/<index>`), one acknowledgement (level eventual only). */
  | { readonly type: 'addAll'; readonly elems: readonly string[]; readonly seq?: number }
  /** Removes every element this replica sees, as one operation (level eventual only). */
  | { readonly type: 'clear'; readonly seq?: number };

export type Res =
  | { readonly type: 'added'; readonly tag: Tag }
  /** The tags of an `addAll`, one per element, in order. */
  | { readonly type: 'added-all'; readonly tags: readonly Tag[] }
  /** The add tags this remove observed and tombstoned (none: the element was not there). */
  | { readonly type: 'removed'; readonly tags: readonly Tag[] }
  | { readonly type: 'got'; readonly present: boolean }
  | { readonly type: 'size'; readonly size: number }
  | { readonly type: 'elements'; readonly elems: readonly string[] }
  /** A request this replica cannot take as asked (see the message); retrying it does not help. */
  | { readonly type: 'error'; readonly error: string };

/** Entries of the observed-remove set, as carried between replicas. */
export interface Entries {
  /** Add tags with their elements. */
  readonly adds: readonly (readonly [Tag, string])[];
  /** Tombstoned add tags. */
  readonly tombs: readonly Tag[];
}

export type Msg =
  /** Anti-entropy, step 1 (A to B): A's digest, the tags it has. */
  | { readonly type: 'Sync'; readonly adds: readonly Tag[]; readonly tombs: readonly Tag[] }
  /**
   * Step 2 (B to A): what A lacks, and the tags B lacks (`wantAdds`, `wantTombs`); step 3
   * (A to B) is a Delta answering those wants, with empty wants. A Delta with `ack` also
   * carries a client operation being pushed; the receiver answers with an Ack.
   */
  | {
      readonly type: 'Delta';
      readonly entries: Entries;
      readonly wantAdds: readonly Tag[];
      readonly wantTombs: readonly Tag[];
      readonly ack: boolean;
      /** `sequential-per-item`: the remove being pushed and the tags it removed, kept for its retries. */
      readonly removal?: Removal;
    }
  /** The receiver of an `ack` Delta now holds these add tags and tombstones. */
  | { readonly type: 'Ack'; readonly adds: readonly Tag[]; readonly tombs: readonly Tag[] }
  /** `sequential-per-item`: a (re)started replica asks each peer for everything it holds. */
  | { readonly type: 'Fetch'; readonly inc: number }
  /** The answer to a Fetch of incarnation `inc`: every entry the peer holds (the whole collection, like a digest). */
  | { readonly type: 'Snapshot'; readonly inc: number; readonly entries: Entries; readonly removals: Readonly<Record<string, readonly Tag[]>> };

/** A remove that took effect: its request id and the add tags it tombstoned. */
export interface Removal {
  readonly id: string;
  readonly tags: readonly Tag[];
}

export type Timer = 'gossip';
