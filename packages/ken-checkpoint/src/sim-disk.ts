import { CheckpointCorruptError, KenUsageError } from './errors.ts';
import { checkFramed, frameRecord, readRecord } from './record-codec.ts';
import type { CheckpointStore } from './store.ts';

/** The counters a simulated disk keeps, for traces and tests. */
export interface SimDiskCounters {
  appends: number;
  /** Syncs completed (not the ones ignored because a crash came first). */
  syncs: number;
  /** Bytes appended, framing included. */
  bytes: number;
  crashes: number;
  /** Crashes that left part of a record behind. */
  tears: number;
  /** Records that `load` found damaged at the end and dropped. */
  tailsDropped: number;
  compactions: number;
  corruptions: number;
}

interface StoredRecord {
  readonly number: number;
  bytes: Uint8Array;
}

/**
 * A disk as plain data for the simulator, which decides when syncs begin and complete.
 * Appends are volatile until a sync completes; `crash` loses every unsynced record and,
 * when told to tear, leaves a random-length prefix of the first of them behind as
 * garbage that `load` must recognise by its CRC and drop. `corrupt` flips a byte.
 *
 * A sync begun before a crash must not count after it: `completeSync` takes the `epoch`
 * that was current at `beginSync` and ignores a stale one.
 */
export class SimDisk implements CheckpointStore {
  readonly counters: SimDiskCounters = {
    appends: 0,
    syncs: 0,
    bytes: 0,
    crashes: 0,
    tears: 0,
    tailsDropped: 0,
    compactions: 0,
    corruptions: 0,
  };
  private records: StoredRecord[] = [];
  private torn: StoredRecord | undefined;
  private appended = 0;
  private durable = 0;
  private epochNow = 0;
  /** Records numbered below this one were compacted away. */
  private compactedBefore = 1;

  constructor(readonly name = 'simdisk') {}

  get appendedUpTo(): number {
    return this.appended;
  }
  get durableUpTo(): number {
    return this.durable;
  }
  /** Incremented by every crash. */
  get epoch(): number {
    return this.epochNow;
  }
  /** Records held (durable or not), for bounds checks. */
  get recordCount(): number {
    return this.records.length;
  }
  /** Bytes held, framing included. */
  get storedBytes(): number {
    let n = 0;
    for (const r of this.records) n += r.bytes.length;
    return n;
  }

  append(payload: Uint8Array): number {
    return this.appendFramed(frameRecord(payload));
  }

  appendFramed(bytes: Uint8Array): number {
    checkFramed(bytes);
    this.torn = undefined;
    const number = ++this.appended;
    this.records.push({ number, bytes });
    this.counters.appends++;
    this.counters.bytes += bytes.length;
    return number;
  }

  /** Starts a sync; it will cover the records appended so far. Returns their last number. */
  beginSync(): number {
    return this.appended;
  }

  /**
   * The sync begun when `appendedUpTo` was `upTo` has finished. Returns false (and does
   * nothing) when `epoch` is given and a crash has happened since.
   */
  completeSync(upTo: number, epoch: number = this.epochNow): boolean {
    if (epoch !== this.epochNow) return false;
    if (!Number.isInteger(upTo) || upTo < 0 || upTo > this.appended) {
      throw new KenUsageError(`${this.name}: completeSync(${upTo}) but only ${this.appended} records were appended`);
    }
    this.counters.syncs++;
    if (upTo > this.durable) this.durable = upTo;
    return true;
  }

  /** `completeSync(beginSync())`, for tests and drivers without sync latency. */
  syncNow(): number {
    this.completeSync(this.beginSync());
    return this.durable;
  }

  /**
   * Power loss: every record after `durableUpTo` is gone. With `tear`, a prefix of
   * random length (possibly empty) of the first lost record survives as garbage. With
   * `lie`, the disk turns out to have acknowledged syncs it never did: that many of the
   * last durable records are lost too (Ken does not tolerate this; it exists to show so).
   */
  crash(rng: { random(): number }, opts: { tear: boolean; lie?: number }): void {
    this.counters.crashes++;
    this.epochNow++;
    if (opts.lie !== undefined && opts.lie > 0) this.durable = Math.max(this.compactedBefore - 1, this.durable - opts.lie);
    const firstLost = this.records.findIndex((r) => r.number > this.durable);
    this.torn = undefined;
    if (firstLost >= 0) {
      const lost = this.records[firstLost]!;
      this.records.length = firstLost;
      if (opts.tear) {
        const keep = Math.floor(rng.random() * lost.bytes.length);
        if (keep > 0) {
          this.torn = { number: lost.number, bytes: lost.bytes.slice(0, keep) };
          this.counters.tears++;
        }
      }
    }
    this.appended = this.durable;
  }

  /** Flips every bit of one byte of a stored record (`byteOffset` counts the frame header). */
  corrupt(recordNumber: number, byteOffset: number): void {
    const r = this.records.find((x) => x.number === recordNumber);
    if (r === undefined) throw new KenUsageError(`${this.name}: no record ${recordNumber} to corrupt`);
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset >= r.bytes.length) {
      throw new RangeError(`${this.name}: record ${recordNumber} has ${r.bytes.length} bytes; cannot corrupt byte ${byteOffset}`);
    }
    r.bytes = r.bytes.slice();
    r.bytes[byteOffset] = r.bytes[byteOffset]! ^ 0xff;
    this.counters.corruptions++;
  }

  /** The framed bytes of a stored record, for tests that damage records their own way. */
  recordBytes(recordNumber: number): Uint8Array | undefined {
    return this.records.find((x) => x.number === recordNumber)?.bytes;
  }

  /**
   * A damaged record followed by no valid one is a torn tail: it (and any garbage after
   * it) is dropped and cut off. A damaged record followed by a valid one throws.
   */
  load(): Uint8Array[] {
    const candidates = this.torn === undefined ? this.records : [...this.records, this.torn];
    const reads = candidates.map((rec) => {
      const r = readRecord(rec.bytes, 0);
      if (r.ok && r.end === rec.bytes.length) return r;
      return { ok: false as const, reason: r.ok ? `${rec.bytes.length - r.end} stray bytes after the record` : r.reason };
    });
    const firstBad = reads.findIndex((r) => !r.ok);
    if (firstBad >= 0) {
      const bad = reads[firstBad]!;
      const laterGood = reads.findIndex((r, i) => i > firstBad && r.ok);
      if (laterGood >= 0 && !bad.ok) {
        throw new CheckpointCorruptError(candidates[firstBad]!.number, `${bad.reason}, yet record ${candidates[laterGood]!.number} after it is valid`, this.name);
      }
      this.counters.tailsDropped++;
      this.records.length = Math.min(this.records.length, firstBad);
    }
    this.torn = undefined;
    const last = this.records[this.records.length - 1];
    this.appended = last === undefined ? this.compactedBefore - 1 : last.number;
    if (this.durable > this.appended) this.durable = this.appended;
    const payloads: Uint8Array[] = [];
    for (const r of reads.slice(0, this.records.length)) if (r.ok) payloads.push(r.payload);
    return payloads;
  }

  compact(beforeRecord: number): void {
    if (beforeRecord > this.durable) {
      throw new KenUsageError(`${this.name}: compact(${beforeRecord}) but records are durable only up to ${this.durable}`);
    }
    if (beforeRecord <= this.compactedBefore) return;
    const keepFrom = this.records.findIndex((r) => r.number >= beforeRecord);
    this.records = keepFrom < 0 ? [] : this.records.slice(keepFrom);
    this.compactedBefore = beforeRecord;
    this.counters.compactions++;
  }
}
