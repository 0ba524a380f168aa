import { crc32Update } from './crc32.ts';
import { CheckpointCorruptError } from './errors.ts';

/**
 * One framed record: `[u32 length][u32 crc32][payload]`, little-endian. `length` is the
 * payload's byte count (at least 1); the CRC covers the four length bytes and then the
 * payload, so a damaged length is caught as well as a damaged payload.
 */
export const RECORD_HEADER_BYTES = 8;
/** The largest payload a record may hold (a guard against a damaged length field). */
export const RECORD_PAYLOAD_BYTES_MAX = 256 * 1024 * 1024;

export function frameRecord(payload: Uint8Array): Uint8Array {
  // Every byte is written below, so the unzeroed (pooled, for small records) allocation is safe.
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  out.set(payload, RECORD_HEADER_BYTES);
  frameInPlace(out);
  return out;
}

/**
 * Frames a record whose payload was written straight after `RECORD_HEADER_BYTES` bytes of
 * room (`bytes` is then the whole record): fills in the length and the CRC. Saves the
 * copy `frameRecord` makes.
 */
export function frameInPlace(bytes: Uint8Array): void {
  const length = bytes.length - RECORD_HEADER_BYTES;
  if (length < 1 || length > RECORD_PAYLOAD_BYTES_MAX) {
    throw new RangeError(`a checkpoint record's payload must hold 1..${RECORD_PAYLOAD_BYTES_MAX} bytes, got ${length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, RECORD_HEADER_BYTES);
  view.setUint32(0, length, true);
  view.setUint32(4, recordCrc(bytes, 0, length), true);
}

/**
 * Throws unless `framed` is one whole record by its header: its length field claims
 * exactly the bytes after the header. (The CRC is left to the reader: a store checks
 * that a caller framed, not what it framed.)
 */
export function checkFramed(framed: Uint8Array): void {
  const claimed = framed.length >= RECORD_HEADER_BYTES ? (framed[0]! | (framed[1]! << 8) | (framed[2]! << 16) | (framed[3]! << 24)) >>> 0 : -1;
  if (claimed < 1 || claimed !== framed.length - RECORD_HEADER_BYTES) {
    throw new RangeError(`not one framed checkpoint record: ${framed.length} bytes, the header claims a payload of ${claimed}`);
  }
}

function recordCrc(bytes: Uint8Array, offset: number, length: number): number {
  const crc = crc32Update(0, bytes, offset, offset + 4);
  const start = offset + RECORD_HEADER_BYTES;
  return crc32Update(crc, bytes, start, start + length);
}

export type RecordRead =
  | { readonly ok: true; readonly payload: Uint8Array; readonly end: number }
  | { readonly ok: false; readonly reason: string; /** the claimed end, when the header was readable */ readonly end?: number };

/** Reads the record that starts at `offset`. The payload is a view into `bytes`. */
export function readRecord(bytes: Uint8Array, offset: number): RecordRead {
  if (bytes.length - offset < RECORD_HEADER_BYTES) {
    return { ok: false, reason: `only ${bytes.length - offset} bytes of an ${RECORD_HEADER_BYTES}-byte header` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(offset, true);
  if (length < 1 || length > RECORD_PAYLOAD_BYTES_MAX) return { ok: false, reason: `impossible length ${length}` };
  const end = offset + RECORD_HEADER_BYTES + length;
  if (end > bytes.length) return { ok: false, reason: `length ${length} runs ${end - bytes.length} bytes past the end`, end };
  const stored = view.getUint32(offset + 4, true);
  const actual = recordCrc(bytes, offset, length);
  if (stored !== actual) return { ok: false, reason: `CRC mismatch (stored ${hex(stored)}, computed ${hex(actual)})`, end };
  return { ok: true, payload: bytes.subarray(offset + RECORD_HEADER_BYTES, end), end };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

export interface LogScan {
  /** The payloads of the valid records, in order. */
  readonly payloads: Uint8Array[];
  /** Where the valid records end: the log should be truncated here. */
  readonly validEnd: number;
  /** Why the bytes after `validEnd` were dropped, when there were any. */
  readonly tornTail?: string;
}

/** How many bytes of CRC work the search for records after a damaged one may do. */
const RESYNC_CRC_BYTES_MAX = 64 * 1024 * 1024;

/**
 * Reads a log of back-to-back records. A bad record after which no valid record can be
 * found anywhere is a torn tail (a crash during the last writes): it and everything after
 * it are dropped. A bad record followed by a valid one is corruption of durable data, and
 * throws `CheckpointCorruptError` naming the record (`firstRecord` is the number of the
 * log's first record) and its byte offset in `where`.
 */
export function scanRecords(bytes: Uint8Array, firstRecord: number, where: string): LogScan {
  const payloads: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const r = readRecord(bytes, offset);
    if (r.ok) {
      payloads.push(r.payload);
      offset = r.end;
      continue;
    }
    const number = firstRecord + payloads.length;
    if (r.end === undefined || r.end !== bytes.length) {
      const later = findValidRecordAfter(bytes, offset);
      if (later === 'gave-up') {
        throw new CheckpointCorruptError(
          number,
          `${r.reason}; the ${bytes.length - offset} bytes after it are too many to tell a torn tail from damage ` +
            `(truncate the log at byte ${offset} by hand if the node crashed while writing)`,
          `${where} @ byte ${offset}`,
        );
      }
      if (later !== undefined) {
        throw new CheckpointCorruptError(number, `${r.reason}, yet a valid record follows at byte ${later}`, `${where} @ byte ${offset}`);
      }
    }
    return { payloads, validEnd: offset, tornTail: `record ${number} at byte ${offset}: ${r.reason}` };
  }
  return { payloads, validEnd: offset };
}

function findValidRecordAfter(bytes: Uint8Array, offset: number): number | 'gave-up' | undefined {
  let budget = RESYNC_CRC_BYTES_MAX;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = offset + 1; at + RECORD_HEADER_BYTES < bytes.length; at++) {
    const length = view.getUint32(at, true);
    if (length < 1 || at + RECORD_HEADER_BYTES + length > bytes.length) continue;
    budget -= length;
    if (budget < 0) return 'gave-up';
    if (readRecord(bytes, at).ok) return at;
  }
  return undefined;
}
