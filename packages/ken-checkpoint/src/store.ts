/**
 * Where a node's checkpoint records go. Records are numbered 1, 2, 3, ... in append
 * order; the store frames each one with a length and a CRC (see `record-codec.ts`), so
 * `load` hands back exactly the payloads that were appended.
 *
 * An appended record is volatile until a sync covers it (`durableUpTo`). After a crash,
 * `load` returns what survived, in order: records up to the last durable one at least,
 * with a torn or corrupt *last* record dropped (and cut off, so new appends follow the
 * valid ones). Damage to any other record throws `CheckpointCorruptError`.
 */
export interface CheckpointStore {
  /**
   * Appends one record's payload; returns its number. Volatile until synced. With
   * `startsState` the record holds all a reader needs (a snapshot): the store may start a
   * new segment with it, so that `compact` behind it is cheap.
   */
  append(record: Uint8Array, startsState?: boolean): number;
  /**
   * `append` for a record already framed (`frameInPlace`, or an encoder that writes the
   * frame, as Ken's do): stored as it is, without the copy framing would make.
   */
  appendFramed(framed: Uint8Array, startsState?: boolean): number;
  /** Every record numbered up to this one is durable. */
  readonly durableUpTo: number;
  /** The number of the last record appended (0 when there is none). */
  readonly appendedUpTo: number;
  /**
   * The surviving records, oldest first (the first is the oldest one not compacted away).
   * Sets `appendedUpTo` to the last one returned; appends continue after it.
   */
  load(): Uint8Array[];
  /** Records numbered below `beforeRecord` may be discarded; `beforeRecord` must be durable. */
  compact(beforeRecord: number): void;
}
