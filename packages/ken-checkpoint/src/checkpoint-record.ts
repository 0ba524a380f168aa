import { deserialize, serialize } from 'node:v8';
import type { Patch } from 'immer';
import { CheckpointCorruptError } from './errors.ts';
import type { KenState } from './ken-state.ts';
import { kenImmer } from './immer.ts';

const VERSION = 1;

/**
 * What one record holds: a full snapshot of the node's KenState, or the immer patches of
 * one turn against the state the previous record left (Ken's dirty pages).
 */
export type CheckpointRecord =
  | { readonly v: typeof VERSION; readonly kind: 'snapshot'; readonly state: KenState<unknown> }
  | { readonly v: typeof VERSION; readonly kind: 'turn'; readonly patches: readonly Patch[] };

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
  if (x.kind === 'snapshot' && x.state !== null && typeof x.state === 'object') return r as CheckpointRecord;
  if (x.kind === 'turn' && Array.isArray(x.patches)) return r as CheckpointRecord;
  throw new CheckpointCorruptError(number, `unknown record kind ${JSON.stringify(x.kind)}`);
}

export interface Replayed<S> {
  readonly state: KenState<S>;
  /** Turn records after the snapshot that starts the log. */
  readonly turnsSinceSnapshot: number;
}

/**
 * Rebuilds a node's state from what `load` returned: the first record must be a
 * snapshot; each later one is applied in order (a later snapshot replaces the state).
 * `firstNumber` is the first payload's record number, for error messages.
 */
export function replayRecords<S>(payloads: readonly Uint8Array[], firstNumber: number): Replayed<S> {
  let state: KenState<unknown> | undefined;
  let turns = 0;
  payloads.forEach((payload, i) => {
    const number = firstNumber + i;
    const rec = decodeCheckpointRecord(payload, number);
    if (rec.kind === 'snapshot') {
      state = rec.state;
      turns = 0;
      return;
    }
    if (state === undefined) throw new CheckpointCorruptError(number, 'the log does not start with a snapshot');
    try {
      state = kenImmer.applyPatches(state, rec.patches as Patch[]);
    } catch (err) {
      throw new CheckpointCorruptError(number, `its patches do not apply: ${(err as Error).message}`);
    }
    turns++;
  });
  if (state === undefined) throw new CheckpointCorruptError(firstNumber, 'there are no records to replay');
  return { state: state as KenState<S>, turnsSinceSnapshot: turns };
}
