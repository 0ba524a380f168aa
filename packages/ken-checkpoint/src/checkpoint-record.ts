import { deserialize, serialize } from 'node:v8';
import type { Patch } from 'immer';
import { CheckpointCorruptError } from './errors.ts';
import type { KenState } from './ken-state.ts';
import { kenImmer } from './immer.ts';
import { RequestCache, type RequestNote } from './request-cache.ts';

const VERSION = 2;

/**
 * What one record holds: a full snapshot of the node's KenState and request cache, or the
 * immer patches of one turn against the state the previous record left (Ken's dirty
 * pages) with the turn's request-cache notes.
 */
export type CheckpointRecord =
  | { readonly v: typeof VERSION; readonly kind: 'snapshot'; readonly state: KenState<unknown>; readonly requests: readonly RequestNote[] }
  | { readonly v: typeof VERSION; readonly kind: 'turn'; readonly patches: readonly Patch[]; readonly requests?: readonly RequestNote[] };

/** Structured-clone bytes (node:v8), the same bytes for the same value. */
export function encodeCheckpointRecord(record: CheckpointRecord): Uint8Array {
  return serialize(record);
}

export function decodeCheckpointRecord(payload: Uint8Array, number: number): CheckpointRecord {
  let r: unknown;
  try {
    r = deserialize(payload);
  } catch (err) {
    throw new CheckpointCorruptError(number, `payload does not deserialize: ${(err as Error).message}`);
  }
  const x = r as Partial<Record<string, unknown>> | null;
  if (x === null || typeof x !== 'object' || x.v !== VERSION) {
    throw new CheckpointCorruptError(number, `not a version-${VERSION} Ken record`);
  }
  if (x.kind === 'snapshot' && x.state !== null && typeof x.state === 'object' && Array.isArray(x.requests)) return r as CheckpointRecord;
  if (x.kind === 'turn' && Array.isArray(x.patches) && (x.requests === undefined || Array.isArray(x.requests))) return r as CheckpointRecord;
  throw new CheckpointCorruptError(number, `unknown record kind ${JSON.stringify(x.kind)}`);
}

export interface Replayed<S> {
  readonly state: KenState<S>;
  readonly requests: RequestCache;
  /** Turn records after the last snapshot, and their bytes; the snapshot's bytes. */
  readonly turnsSinceSnapshot: number;
  readonly bytesSinceSnapshot: number;
  readonly snapshotBytes: number;
}

/**
 * Rebuilds a node's state from what `load` returned: the first record must be a
 * snapshot; each later one is applied in order (a later snapshot replaces the state).
 * `firstNumber` is the first payload's record number, for error messages; the request
 * cache is rebuilt with room for `requestCacheMax` ids.
 */
export function replayRecords<S>(payloads: readonly Uint8Array[], firstNumber: number, requestCacheMax: number): Replayed<S> {
  let state: KenState<unknown> | undefined;
  let requests = new RequestCache(requestCacheMax);
  let turns = 0;
  let bytes = 0;
  let snapshotBytes = 0;
  payloads.forEach((payload, i) => {
    const number = firstNumber + i;
    const rec = decodeCheckpointRecord(payload, number);
    if (rec.kind === 'snapshot') {
      state = rec.state;
      requests = RequestCache.from(rec.requests, requestCacheMax);
      turns = 0;
      bytes = 0;
      snapshotBytes = payload.length;
      return;
    }
    if (state === undefined) throw new CheckpointCorruptError(number, 'the log does not start with a snapshot');
    try {
      state = kenImmer.applyPatches(state, rec.patches as Patch[]);
    } catch (err) {
      throw new CheckpointCorruptError(number, `its patches do not apply: ${(err as Error).message}`);
    }
    for (const n of rec.requests ?? []) requests.note(n);
    turns++;
    bytes += payload.length;
  });
  if (state === undefined) throw new CheckpointCorruptError(firstNumber, 'there are no records to replay');
  return { state: state as KenState<S>, requests, turnsSinceSnapshot: turns, bytesSinceSnapshot: bytes, snapshotBytes };
}
