import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointCorruptError, KenUsageError } from './errors.ts';
import { frameRecord, readRecord, scanRecords } from './record-codec.ts';
import type { CheckpointStore } from './store.ts';

const SNAPSHOT_FILE = 'snapshot.ken';
const SEGMENT_RE = /^log-(\d{16})\.ken$/;
const TMP_SUFFIX = '.tmp';

function segmentName(first: number): string {
  return `log-${String(first).padStart(16, '0')}.ken`;
}

interface Segment {
  readonly first: number;
  readonly file: string;
}

/**
 * Checkpoint records in a directory, for the real runtime.
 *
 * - `log-<first record number>.ken`: an append-only log of framed records
 *   (`[u32 length][u32 crc32][payload]`). `append` buffers the record in memory; `sync`
 *   writes everything buffered with one write and fdatasyncs; only then may the node
 *   release the records' outputs. (One write per group commit rather than one per turn:
 *   unsynced records may be lost in a crash anyway.)
 * - `snapshot.ken`: the record `compact(n)` was told to keep (Ken makes it a full
 *   snapshot), framed together with its number. Written to a temporary file, fsynced,
 *   renamed over the old one, then the directory is fsynced.
 * - `compact(n)` also rotates the log: the records after `n` (usually a handful) are
 *   copied to a new segment the same way and the old segment is deleted, so the log
 *   never grows past one snapshot interval.
 *
 * `load` must be called once before the first `append`. It drops a torn tail (cutting
 * the file back), throws `CheckpointCorruptError` for damage anywhere else, and fsyncs
 * what it found: the survivors of a process crash are durable from then on.
 */
export class FileStore implements CheckpointStore {
  private fd: number | undefined;
  private segment: Segment | undefined;
  /** Byte offset of each record in the open segment, from `segment.first` on. */
  private offsets: number[] = [];
  /** The log's length including buffered records, and the part of it written to the file. */
  private segmentBytes = 0;
  private writtenBytes = 0;
  private pending: Uint8Array[] = [];
  private snapshotNumber = 0;
  private appended = 0;
  private durable = 0;
  /** A `syncAsync` is in flight. */
  private syncing = false;
  private loaded = false;
  readonly counters = { appends: 0, syncs: 0, bytes: 0, compactions: 0, tailsDropped: 0 };

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  get appendedUpTo(): number {
    return this.appended;
  }
  get durableUpTo(): number {
    return this.durable;
  }

  load(): Uint8Array[] {
    this.closeFd();
    for (const name of fs.readdirSync(this.dir)) if (name.endsWith(TMP_SUFFIX)) fs.rmSync(path.join(this.dir, name), { force: true });
    const snapshot = this.readSnapshot();
    const base = snapshot?.number ?? 0;
    const segments = this.listSegments();
    const payloads: Uint8Array[] = snapshot === undefined ? [] : [snapshot.payload];
    let next = base + 1;
    let active: { segment: Segment; offsets: number[]; bytes: number } | undefined;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const limit = segments[i + 1]?.first ?? Infinity;
      if (limit <= next) {
        fs.rmSync(seg.file, { force: true });
        continue;
      }
      if (seg.first > next) {
        throw new CheckpointCorruptError(next, `missing: the log resumes at record ${seg.first}`, seg.file);
      }
      const bytes = fs.readFileSync(seg.file);
      const scan = scanRecords(bytes, seg.first, seg.file);
      const offsets: number[] = [];
      let at = 0;
      for (let k = 0; k < scan.payloads.length; k++) {
        offsets.push(at);
        const number = seg.first + k;
        if (number >= next && number < limit) {
          payloads.push(scan.payloads[k]!);
          next = number + 1;
        }
        at += 8 + scan.payloads[k]!.length;
      }
      const isLast = i === segments.length - 1;
      if (scan.tornTail !== undefined) {
        if (!isLast && next < limit) {
          throw new CheckpointCorruptError(next, `${scan.tornTail}, but a later segment starts only at ${limit}`, seg.file);
        }
        if (isLast) {
          fs.truncateSync(seg.file, scan.validEnd);
          this.counters.tailsDropped++;
        }
      }
      if (isLast) active = { segment: seg, offsets, bytes: scan.validEnd };
    }
    if (active === undefined) {
      const seg = { first: next, file: path.join(this.dir, segmentName(next)) };
      fs.writeFileSync(seg.file, new Uint8Array(0));
      active = { segment: seg, offsets: [], bytes: 0 };
    }
    this.segment = active.segment;
    this.offsets = active.offsets;
    this.segmentBytes = active.bytes;
    this.writtenBytes = active.bytes;
    this.pending = [];
    this.snapshotNumber = base;
    this.fd = fs.openSync(active.segment.file, 'r+');
    fs.fsyncSync(this.fd);
    this.syncDir();
    this.appended = next - 1;
    this.durable = this.appended;
    this.loaded = true;
    return payloads;
  }

  append(payload: Uint8Array): number {
    if (!this.loaded || this.fd === undefined) throw new KenUsageError(`FileStore(${this.dir}): call load() before append()`);
    const bytes = frameRecord(payload);
    this.pending.push(bytes);
    this.offsets.push(this.segmentBytes);
    this.segmentBytes += bytes.length;
    this.counters.appends++;
    this.counters.bytes += bytes.length;
    return ++this.appended;
  }

  /** fdatasync of the log: every record appended so far becomes durable. */
  sync(): number {
    if (this.fd === undefined) throw new KenUsageError(`FileStore(${this.dir}): call load() before sync()`);
    if (this.durable < this.appended) {
      this.flush();
      fs.fdatasyncSync(this.fd);
      this.counters.syncs++;
      this.durable = this.appended;
    }
    return this.durable;
  }

  /**
   * `sync` with the fdatasync off the event loop (pipelined output commit): the records
   * appended so far are written now and resolve as durable once the disk has them; records
   * appended meanwhile wait for the next call. One call at a time.
   */
  syncAsync(): Promise<number> {
    const fd = this.fd;
    if (fd === undefined) throw new KenUsageError(`FileStore(${this.dir}): call load() before syncAsync()`);
    if (this.syncing) throw new KenUsageError(`FileStore(${this.dir}): syncAsync() while another is in flight`);
    if (this.durable >= this.appended) return Promise.resolve(this.durable);
    this.flush();
    const upTo = this.appended;
    this.syncing = true;
    return new Promise((resolve, reject) => {
      fs.fdatasync(fd, (err) => {
        this.syncing = false;
        if (err !== null) return reject(err);
        this.counters.syncs++;
        if (upTo > this.durable) this.durable = upTo;
        resolve(this.durable);
      });
    });
  }

  compact(beforeRecord: number): void {
    if (this.fd === undefined || this.segment === undefined) throw new KenUsageError(`FileStore(${this.dir}): call load() before compact()`);
    if (beforeRecord > this.durable) {
      throw new KenUsageError(`FileStore(${this.dir}): compact(${beforeRecord}) but records are durable only up to ${this.durable}`);
    }
    if (beforeRecord <= this.snapshotNumber) return;
    this.flush(); // the records after the snapshot are copied from the file
    const seg = this.segment;
    const index = beforeRecord - seg.first;
    if (index < 0 || index >= this.offsets.length) {
      throw new KenUsageError(`FileStore(${this.dir}): record ${beforeRecord} is not in the open log segment (from ${seg.first})`);
    }
    const start = this.offsets[index]!;
    const end = this.offsets[index + 1] ?? this.segmentBytes;
    const framed = readRange(this.fd, start, end - start);
    const rec = readRecord(framed, 0);
    if (!rec.ok) throw new CheckpointCorruptError(beforeRecord, rec.reason, `${seg.file} @ byte ${start}`);

    // 1. The snapshot file: [f64 record number][payload], framed; temp, fsync, rename, fsync dir.
    const body = new Uint8Array(8 + rec.payload.length);
    new DataView(body.buffer).setFloat64(0, beforeRecord, true);
    body.set(rec.payload, 8);
    this.writeDurably(SNAPSHOT_FILE, frameRecord(body));
    this.snapshotNumber = beforeRecord;

    // 2. A new segment with the records after it; then drop the old segment.
    const tail = readRange(this.fd, end, this.segmentBytes - end);
    const next: Segment = { first: beforeRecord + 1, file: path.join(this.dir, segmentName(beforeRecord + 1)) };
    this.writeDurably(segmentName(next.first), tail);
    const tailOffsets = this.offsets.slice(index + 1).map((o) => o - end);
    this.closeFd();
    fs.rmSync(seg.file, { force: true });
    this.syncDir();
    this.segment = next;
    this.offsets = tailOffsets;
    this.segmentBytes = tail.length;
    this.writtenBytes = tail.length;
    this.fd = fs.openSync(next.file, 'r+');
    this.durable = this.appended;
    this.counters.compactions++;
  }

  /** Writes out (without syncing) what is buffered, closes the log. It can be loaded again afterwards. */
  close(): void {
    if (this.fd !== undefined) this.flush();
    this.closeFd();
    this.loaded = false;
  }

  /** Writes the buffered records to the log file, in one write. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    writeAll(this.fd!, buf, this.writtenBytes);
    this.writtenBytes += buf.length;
    this.pending = [];
  }

  private closeFd(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private readSnapshot(): { number: number; payload: Uint8Array } | undefined {
    const file = path.join(this.dir, SNAPSHOT_FILE);
    if (!fs.existsSync(file)) return undefined;
    const bytes = fs.readFileSync(file);
    const r = readRecord(bytes, 0);
    if (!r.ok || r.end !== bytes.length || r.payload.length < 9) {
      throw new CheckpointCorruptError(0, `snapshot file: ${r.ok ? 'wrong size' : r.reason}`, file);
    }
    const number = new DataView(r.payload.buffer, r.payload.byteOffset, 8).getFloat64(0, true);
    if (!Number.isInteger(number) || number < 1) throw new CheckpointCorruptError(0, `snapshot file names record ${number}`, file);
    return { number, payload: r.payload.subarray(8) };
  }

  private listSegments(): Segment[] {
    const out: Segment[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      const m = SEGMENT_RE.exec(name);
      if (m !== null) out.push({ first: Number(m[1]), file: path.join(this.dir, name) });
    }
    return out.sort((a, b) => a.first - b.first);
  }

  /** Writes `name` atomically and durably: temp file, fsync, rename, directory fsync. */
  private writeDurably(name: string, bytes: Uint8Array): void {
    const tmp = path.join(this.dir, name + TMP_SUFFIX);
    const fd = fs.openSync(tmp, 'w');
    try {
      writeAll(fd, bytes, 0);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dir, name));
    this.syncDir();
  }

  private syncDir(): void {
    const fd = fs.openSync(this.dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
}

function readRange(fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, out, done, length - done, position + done);
    if (n === 0) throw new Error(`short read at byte ${position + done}`);
    done += n;
  }
  return out;
}
