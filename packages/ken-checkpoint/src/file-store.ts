import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointCorruptError, KenUsageError } from './errors.ts';
import { checkFramed, frameRecord, readRecord, scanRecords } from './record-codec.ts';
import { dropFile, listSegments, readRange, segmentName, syncDir, syncDirAsync, TMP_SUFFIX, writeAll, writeAllAsync, writeDurably, type Segment } from './segment-files.ts';
import type { CheckpointStore } from './store.ts';

const SNAPSHOT_FILE = 'snapshot.ken';

/** Records appended for a segment that the next sync will start. */
interface Rotation {
  readonly first: number;
  readonly pending: Uint8Array[];
  readonly offsets: number[];
  bytes: number;
}

/**
 * Checkpoint records in a directory, for the real runtime.
 *
 * - `log-<first record number>.ken`: an append-only log of framed records
 *   (`[u32 length][u32 crc32][payload]`). `append` buffers the record in memory; `sync`
 *   writes everything buffered with one write and fdatasyncs; only then may the node
 *   release the records' outputs. (One write per group commit rather than one per turn:
 *   unsynced records may be lost in a crash anyway.)
 * - A record appended with `startsState` (Ken's snapshots) starts a new segment, so that
 *   compacting behind it is deleting the segments before it: no copying and no fsync on
 *   the calling thread. The new segment's file is created only by the sync that first
 *   covers it, after the previous segment's fdatasync (so a segment after another is
 *   there only once everything before it is durable), and the directory is fsynced before
 *   the sync reports it durable; `syncAsync` does all of it off the event loop.
 * - `compact(n)` for a record in a segment that a `startsState` record begins deletes
 *   the segments before that one (and a `snapshot.ken` they continued), keeping the
 *   records between its first and `n` (two state records in one segment: they are few).
 * - `compact(n)` for a record in the middle of a segment that no state record begins (a
 *   store used without `startsState`, or the segment after a `snapshot.ken`) copies
 *   record `n` to `snapshot.ken`, framed with its number (temporary file, fsync, rename,
 *   directory fsync), and the records after it to a new segment the same way, then
 *   deletes the old segments. Either way the log holds at most about two snapshot
 *   intervals. Before segments started at state records, every compaction copied, and
 *   once a `snapshot.ken` existed every later one did too (two fsyncs on the caller's
 *   thread per compaction: 6% of Ken's bench turn loop); now the first compaction behind
 *   a segment's start retires the file.
 *
 * `load` must be called once before the first `append`. It drops a torn tail (cutting
 * the file back), throws `CheckpointCorruptError` for damage anywhere else, and fsyncs
 * what it found: the survivors of a process crash are durable from then on.
 */
export class FileStore implements CheckpointStore {
  private fd: number | undefined;
  private segment: Segment | undefined;
  /** Segments on disk before the open one, oldest first. */
  private older: Segment[] = [];
  private rotation: Rotation | undefined;
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
  /**
   * `fdatasyncMs`: the time from issuing each `syncAsync`'s log fdatasync to its callback
   * (the disk, the thread pool, and the event loop's delay in running the callback).
   */
  readonly counters = { appends: 0, syncs: 0, bytes: 0, compactions: 0, tailsDropped: 0, fdatasyncMs: 0 };

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
    let snapshot = this.readSnapshot();
    const segments = listSegments(this.dir);
    if (snapshot !== undefined && segments.length > 0 && segments[0]!.first > snapshot.number + 1) {
      // A compaction behind a segment that starts the state was cut short after deleting
      // the segments that continued the snapshot file: the file is stale.
      fs.rmSync(path.join(this.dir, SNAPSHOT_FILE), { force: true });
      snapshot = undefined;
    }
    const base = snapshot?.number ?? 0;
    const payloads: Uint8Array[] = snapshot === undefined ? [] : [snapshot.payload];
    // Without a snapshot file the log starts at its oldest segment (the ones before it
    // were compacted away; a Ken log checks that it starts with a snapshot).
    let next = snapshot === undefined ? (segments[0]?.first ?? 1) : base + 1;
    const kept: Segment[] = [];
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
      else kept.push(seg);
    }
    if (active === undefined) {
      const seg = { first: next, file: path.join(this.dir, segmentName(next)) };
      fs.writeFileSync(seg.file, new Uint8Array(0));
      active = { segment: seg, offsets: [], bytes: 0 };
    }
    this.segment = active.segment;
    this.older = kept;
    this.rotation = undefined;
    this.offsets = active.offsets;
    this.segmentBytes = active.bytes;
    this.writtenBytes = active.bytes;
    this.pending = [];
    this.snapshotNumber = base;
    this.fd = fs.openSync(active.segment.file, 'r+');
    fs.fsyncSync(this.fd);
    syncDir(this.dir);
    this.appended = next - 1;
    this.durable = this.appended;
    this.loaded = true;
    return payloads;
  }

  append(payload: Uint8Array, startsState = false): number {
    return this.appendFramed(frameRecord(payload), startsState);
  }

  appendFramed(bytes: Uint8Array, startsState = false): number {
    if (!this.loaded || this.fd === undefined) throw new KenUsageError(`FileStore(${this.dir}): call load() before append()`);
    checkFramed(bytes);
    const number = ++this.appended;
    if (startsState && this.rotation === undefined && this.segmentBytes > 0) {
      this.rotation = { first: number, pending: [], offsets: [], bytes: 0 };
    }
    const r = this.rotation;
    if (r !== undefined) {
      r.pending.push(bytes);
      r.offsets.push(r.bytes);
      r.bytes += bytes.length;
    } else {
      this.pending.push(bytes);
      this.offsets.push(this.segmentBytes);
      this.segmentBytes += bytes.length;
    }
    this.counters.appends++;
    this.counters.bytes += bytes.length;
    return number;
  }

  /** fdatasync of the log: every record appended so far becomes durable. */
  sync(): number {
    if (this.fd === undefined) throw new KenUsageError(`FileStore(${this.dir}): call load() before sync()`);
    this.notSyncing('sync()');
    if (this.durable < this.appended) {
      this.flush();
      fs.fdatasyncSync(this.fd);
      if (this.rotation !== undefined) {
        fs.fdatasyncSync(this.startRotated());
        syncDir(this.dir);
      }
      this.counters.syncs++;
      this.durable = this.appended;
    }
    return this.durable;
  }

  /**
   * `sync` off the event loop (pipelined output commit): the records appended so far are
   * written and fdatasynced in the thread pool and resolve as durable once the disk has
   * them; records appended meanwhile wait for the next call. One call at a time, and no
   * `sync`, copying `compact` or `close` until it settles.
   */
  syncAsync(): Promise<number> {
    const fd = this.fd;
    if (fd === undefined) throw new KenUsageError(`FileStore(${this.dir}): call load() before syncAsync()`);
    if (this.syncing) throw new KenUsageError(`FileStore(${this.dir}): syncAsync() while another is in flight`);
    if (this.durable >= this.appended) return Promise.resolve(this.durable);
    const write = this.takePending();
    const upTo = this.appended;
    const rotating = this.rotation !== undefined;
    this.syncing = true;
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        this.syncing = false;
        reject(err);
      };
      const done = () => {
        this.syncing = false;
        this.counters.syncs++;
        if (upTo > this.durable) this.durable = upTo;
        resolve(this.durable);
      };
      const datasync = () => {
        const issuedMs = performance.now(); // det-ok: the real runtime's store, timed for stats only
        fs.fdatasync(fd, (err) => {
          this.counters.fdatasyncMs += performance.now() - issuedMs; // det-ok: as above
          if (err !== null) return fail(err);
          if (!rotating) return done();
          let next: number;
          try {
            next = this.startRotated();
          } catch (e) {
            return fail(e as Error);
          }
          fs.fdatasync(next, (err2) => (err2 !== null ? fail(err2) : syncDirAsync(this.dir, (err3) => (err3 !== null ? fail(err3) : done()))));
        });
      };
      if (write === undefined) return datasync();
      writeAllAsync(fd, write.bytes, write.at, (err) => {
        if (err === null) return datasync();
        // Back to the buffer, in front of what was appended meanwhile: nothing else wrote
        // to the log since (see `notSyncing`), so a later sync writes it at the same place.
        this.pending.unshift(write.bytes);
        this.writtenBytes = write.at;
        fail(err);
      });
    });
  }

  /**
   * Starts the segment the rotation holds records for: creates its file, writes them
   * (not synced), makes it the open segment. Called once the previous segment's records
   * are durable. Returns the new file descriptor.
   */
  private startRotated(): number {
    const r = this.rotation!;
    const seg: Segment = { first: r.first, file: path.join(this.dir, segmentName(r.first)) };
    const fd = fs.openSync(seg.file, 'w+');
    const buf = r.pending.length === 1 ? r.pending[0]! : Buffer.concat(r.pending);
    try {
      writeAll(fd, buf, 0);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    this.closeFd();
    this.older.push(this.segment!);
    this.segment = seg;
    this.fd = fd;
    this.offsets = r.offsets;
    this.segmentBytes = r.bytes;
    this.writtenBytes = buf.length;
    this.pending = [];
    this.rotation = undefined;
    return fd;
  }

  compact(beforeRecord: number): void {
    if (this.fd === undefined || this.segment === undefined) throw new KenUsageError(`FileStore(${this.dir}): call load() before compact()`);
    if (beforeRecord > this.durable) {
      throw new KenUsageError(`FileStore(${this.dir}): compact(${beforeRecord}) but records are durable only up to ${this.durable}`);
    }
    if (beforeRecord <= this.snapshotNumber) return;
    const seg0 = this.segment;
    if (beforeRecord === seg0.first || (this.startsState(seg0) && beforeRecord > seg0.first && beforeRecord - seg0.first < this.offsets.length)) {
      // The open segment starts with the record kept, or with a state record before it
      // (records below `beforeRecord` may be dropped, not must): the older segments go
      // whole, then a snapshot file they continued, with no copying and no fsync of data.
      this.dropOlder();
      if (this.snapshotNumber > 0) {
        syncDir(this.dir); // the deletions first: a snapshot file without them is only stale (see `load`)
        fs.rmSync(path.join(this.dir, SNAPSHOT_FILE), { force: true });
        syncDir(this.dir);
        this.snapshotNumber = 0;
      }
      this.counters.compactions++;
      return;
    }
    this.notSyncing('a copying compact()');
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
    writeDurably(this.dir, SNAPSHOT_FILE, frameRecord(body));
    this.snapshotNumber = beforeRecord;

    // 2. A new segment with the records after it; then drop the old segment.
    const tail = readRange(this.fd, end, this.segmentBytes - end);
    const next: Segment = { first: beforeRecord + 1, file: path.join(this.dir, segmentName(beforeRecord + 1)) };
    writeDurably(this.dir, segmentName(next.first), tail);
    const tailOffsets = this.offsets.slice(index + 1).map((o) => o - end);
    this.closeFd();
    fs.rmSync(seg.file, { force: true });
    this.dropOlder();
    syncDir(this.dir);
    this.segment = next;
    this.offsets = tailOffsets;
    this.segmentBytes = tail.length;
    this.writtenBytes = tail.length;
    this.fd = fs.openSync(next.file, 'r+');
    // The copied tail was written durably; records held for a segment not yet started were not.
    this.durable = this.rotation === undefined ? this.appended : this.rotation.first - 1;
    this.counters.compactions++;
  }

  /**
   * Writes out what is buffered (without syncing it, except that a segment to be started
   * waits for the one before it to be synced), closes the log. It can be loaded again.
   */
  close(): void {
    this.notSyncing('close()');
    if (this.fd !== undefined) {
      this.flush();
      if (this.rotation !== undefined) {
        fs.fdatasyncSync(this.fd);
        this.startRotated();
      }
    }
    this.closeFd();
    this.loaded = false;
  }

  /**
   * Whether `seg` begins with a record appended with `startsState`: it was started by a
   * rotation. The only segments that may not are the first of a log (record 1) and one
   * that continues the snapshot file (`compact`'s copy, or `load`'s fresh segment).
   */
  private startsState(seg: Segment): boolean {
    return seg.first !== this.snapshotNumber + 1;
  }

  /** Deletes the segments before the open one (oldest first, so a crash leaves a contiguous log). */
  private dropOlder(): void {
    while (this.older.length > 0) {
      dropFile(this.older[0]!.file);
      this.older.shift();
    }
  }

  /** Writes the buffered records to the log file, in one write. */
  private flush(): void {
    const write = this.takePending();
    if (write !== undefined) writeAll(this.fd!, write.bytes, write.at);
  }

  /**
   * Throws while a `syncAsync` is in flight: its write may not have landed yet (so a sync
   * or a copy would miss it), and closing the file under it could let it land in another
   * file that reuses the descriptor.
   */
  private notSyncing(what: string): void {
    if (this.syncing) throw new KenUsageError(`FileStore(${this.dir}): ${what} while syncAsync() is in flight; wait for it`);
  }

  /** The buffered records as one write and where it goes in the log file (counted as written). */
  private takePending(): { bytes: Uint8Array; at: number } | undefined {
    if (this.pending.length === 0) return undefined;
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const at = this.writtenBytes;
    this.writtenBytes += bytes.length;
    this.pending = [];
    return { bytes, at };
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
}
