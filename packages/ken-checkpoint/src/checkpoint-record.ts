import { deserialize } from 'node:v8';
import { readableImmerError } from '@faultline/runtime';
import type { Patch } from 'immer';
import { CheckpointCorruptError } from './errors.ts';
import type { KenState } from './ken-state.ts';
import { kenImmer } from './immer.ts';
import { RequestCache, type RequestNote } from './request-cache.ts';
import { frameInPlace, RECORD_HEADER_BYTES } from './record-codec.ts';
import { ByteReader, ByteWriter } from './value-codec.ts';

/**
 * What one record holds: a full snapshot of the node's KenState and request cache, or the
 * immer patches of one turn against the state the previous record left (Ken's dirty
 * pages) with the turn's request-cache notes.
 */
export type CheckpointRecord =
  | { readonly kind: 'snapshot'; readonly state: KenState<unknown>; readonly requests: readonly RequestNote[] }
  | { readonly kind: 'turn'; readonly patches: readonly Patch[]; readonly requests?: readonly RequestNote[] };

/**
 * A record's bytes: the format byte, the kind, then the fields in the binary encoding of
 * `value-codec.ts`. Records written before it (format 2) were one structured clone
 * (`node:v8`), whose bytes always begin with 0xFF; they are still read.
 */
const FORMAT = 3;
const LEGACY_CLONE_FIRST_BYTE = 0xff;
const KIND_SNAPSHOT = 1;
const KIND_TURN = 2;
const OPS = ['add', 'replace', 'remove'] as const;
const ANSWER_PENDING = 0;
const ANSWER_RESULT = 1;
const ANSWER_REDIRECT = 2;

const writer = new ByteWriter();

/**
 * The same bytes for the same record. With `framed`, the payload comes framed, as
 * `frameRecord` would frame it, for a store's `appendFramed`: written behind the
 * header's room in the first place rather than copied there.
 */
export function encodeCheckpointRecord(record: CheckpointRecord, framed = false): Uint8Array {
  if (record.kind === 'turn') return encodeTurnRecord([{ prefix: [], patches: record.patches }], record.requests ?? [], framed);
  const w = begin(framed);
  w.byte(KIND_SNAPSHOT);
  w.value(record.state);
  writeNotes(w, record.requests);
  return end(framed);
}

function begin(framed: boolean): ByteWriter {
  if (framed) writer.skip(RECORD_HEADER_BYTES);
  writer.byte(FORMAT);
  return writer;
}

function end(framed: boolean): Uint8Array {
  const out = writer.take();
  if (framed) frameInPlace(out);
  return out;
}

/** Patches whose paths are written with `prefix` in front (a turn's app patches lie under `app`). */
export interface PatchGroup {
  readonly prefix: readonly (string | number)[];
  readonly patches: readonly Patch[];
}

/**
 * A turn record of the groups' patches, in order, and `notes`: the bytes of
 * `encodeCheckpointRecord` for the same patches with their prefixes joined on, without
 * copying a patch to prefix its path (framed as there with `framed`).
 */
export function encodeTurnRecord(groups: readonly PatchGroup[], notes: readonly RequestNote[], framed = false): Uint8Array {
  const w = begin(framed);
  w.byte(KIND_TURN);
  let count = 0;
  for (const g of groups) count += g.patches.length;
  w.uint(count);
  for (const g of groups) for (const p of g.patches) writePatch(w, g.prefix, p);
  writeNotes(w, notes);
  return end(framed);
}

function writePatch(w: ByteWriter, prefix: readonly (string | number)[], p: Patch): void {
  w.byte(OPS.indexOf(p.op));
  w.uint(prefix.length + p.path.length);
  for (const k of prefix) w.value(k);
  for (const k of p.path) w.value(k);
  if (p.op !== 'remove') w.value(p.value);
}

function writeNotes(w: ByteWriter, notes: readonly RequestNote[]): void {
  w.uint(notes.length);
  for (const [id, answer] of notes) {
    w.string(id);
    if (answer === 'pending') w.byte(ANSWER_PENDING);
    else if ('redirect' in answer) {
      w.byte(ANSWER_REDIRECT);
      w.string(answer.redirect);
    } else {
      w.byte(ANSWER_RESULT);
      w.value(answer.result);
    }
  }
}

export function decodeCheckpointRecord(payload: Uint8Array, number: number): CheckpointRecord {
  if (payload[0] === LEGACY_CLONE_FIRST_BYTE) return decodeLegacy(payload, number);
  if (payload[0] !== FORMAT) throw new CheckpointCorruptError(number, `not a Ken record (format byte ${payload[0]})`);
  const r = new ByteReader(payload);
  try {
    r.byte();
    const kind = r.byte();
    let rec: CheckpointRecord;
    if (kind === KIND_SNAPSHOT) {
      const state = r.value() as KenState<unknown>;
      if (state === null || typeof state !== 'object') throw new RangeError('the snapshot holds no state object');
      rec = { kind: 'snapshot', state, requests: readNotes(r) };
    } else if (kind === KIND_TURN) {
      const patches: Patch[] = [];
      for (let n = r.uint(); n > 0; n--) patches.push(readPatch(r));
      const requests = readNotes(r);
      rec = requests.length > 0 ? { kind: 'turn', patches, requests } : { kind: 'turn', patches };
    } else {
      throw new RangeError(`unknown record kind ${kind}`);
    }
    if (!r.done) throw new RangeError('stray bytes after the record');
    return rec;
  } catch (err) {
    if (err instanceof CheckpointCorruptError) throw err;
    throw new CheckpointCorruptError(number, `payload does not decode: ${(err as Error).message}`);
  }
}

function readPatch(r: ByteReader): Patch {
  const op = OPS[r.byte()];
  if (op === undefined) throw new RangeError('unknown patch op');
  const path: (string | number)[] = [];
  for (let n = r.uint(); n > 0; n--) {
    const k = r.value();
    if (typeof k !== 'string' && typeof k !== 'number') throw new RangeError('a patch path holds a non-key');
    path.push(k);
  }
  return op === 'remove' ? { op, path } : { op, path, value: r.value() };
}

function readNotes(r: ByteReader): RequestNote[] {
  const notes: RequestNote[] = [];
  for (let n = r.uint(); n > 0; n--) {
    const id = r.string();
    const tag = r.byte();
    if (tag === ANSWER_PENDING) notes.push([id, 'pending']);
    else if (tag === ANSWER_RESULT) notes.push([id, { result: r.value() }]);
    else if (tag === ANSWER_REDIRECT) notes.push([id, { redirect: r.string() }]);
    else throw new RangeError(`unknown request answer tag ${tag}`);
  }
  return notes;
}

/** A format-2 record: one structured clone of `{ v: 2, kind, ... }`. */
function decodeLegacy(payload: Uint8Array, number: number): CheckpointRecord {
  let r: unknown;
  try {
    r = deserialize(payload);
  } catch (err) {
    throw new CheckpointCorruptError(number, `payload does not deserialize: ${(err as Error).message}`);
  }
  const x = r as Partial<Record<string, unknown>> | null;
  if (x === null || typeof x !== 'object' || x.v !== 2) throw new CheckpointCorruptError(number, 'not a version-2 Ken record');
  if (x.kind === 'snapshot' && x.state !== null && typeof x.state === 'object' && Array.isArray(x.requests)) {
    return { kind: 'snapshot', state: x.state as KenState<unknown>, requests: x.requests as RequestNote[] };
  }
  if (x.kind === 'turn' && Array.isArray(x.patches) && (x.requests === undefined || Array.isArray(x.requests))) {
    const patches = x.patches as Patch[];
    return x.requests === undefined ? { kind: 'turn', patches } : { kind: 'turn', patches, requests: x.requests as RequestNote[] };
  }
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
      throw new CheckpointCorruptError(number, `its patches do not apply: ${(readableImmerError(err) as Error).message}`);
    }
    for (const n of rec.requests ?? []) requests.note(n);
    turns++;
    bytes += payload.length;
  });
  if (state === undefined) throw new CheckpointCorruptError(firstNumber, 'there are no records to replay');
  return { state: state as KenState<S>, requests, turnsSinceSnapshot: turns, bytesSinceSnapshot: bytes, snapshotBytes };
}
