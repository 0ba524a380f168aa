import * as fs from 'node:fs';
import * as path from 'node:path';

/** The files of a `FileStore` directory: log segment names, durable writes, raw reads. */

const SEGMENT_RE = /^log-(\d{16})\.ken$/;
export const TMP_SUFFIX = '.tmp';

export interface Segment {
  readonly first: number;
  readonly file: string;
}

export function segmentName(first: number): string {
  return `log-${String(first).padStart(16, '0')}.ken`;
}

/** The directory's log segments, oldest first. */
export function listSegments(dir: string): Segment[] {
  const out: Segment[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = SEGMENT_RE.exec(name);
    if (m !== null) out.push({ first: Number(m[1]), file: path.join(dir, name) });
  }
  return out.sort((a, b) => a.first - b.first);
}

/** Writes `dir/name` atomically and durably: temp file, fsync, rename, directory fsync. */
export function writeDurably(dir: string, name: string, bytes: Uint8Array): void {
  const tmp = path.join(dir, name + TMP_SUFFIX);
  const fd = fs.openSync(tmp, 'w');
  try {
    writeAll(fd, bytes, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, name));
  syncDir(dir);
}

/**
 * Deletes `file` from the log at once, by renaming it to a temporary name (a directory
 * entry's change, cheap), and frees its blocks off the event loop: the unlink of a
 * segment of a megabyte or so was the largest syscall left on the calling thread. A file
 * the unlink has not reached yet (a crash, an exit, a `load` first) is a temporary file,
 * which `load` removes.
 */
export function dropFile(file: string): void {
  const dropped = path.join(path.dirname(file), `drop-${path.basename(file)}${TMP_SUFFIX}`);
  try {
    fs.renameSync(file, dropped);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  fs.unlink(dropped, () => {}); // gone already if a `load` removed it first
}

export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function syncDirAsync(dir: string, cb: (err: Error | null) => void): void {
  fs.open(dir, 'r', (err, fd) => {
    if (err !== null) return cb(err);
    fs.fsync(fd, (err2) => fs.close(fd, (err3) => cb(err2 ?? err3)));
  });
}

export function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/** `writeAll` in the thread pool: `cb(null)` once every byte is written. */
export function writeAllAsync(fd: number, bytes: Uint8Array, position: number, cb: (err: Error | null) => void): void {
  const from = (done: number): void => {
    if (done === bytes.length) return cb(null);
    fs.write(fd, bytes, done, bytes.length - done, position + done, (err, n) => (err !== null ? cb(err) : from(done + n)));
  };
  from(0);
}

export function readRange(fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, out, done, length - done, position + done);
    if (n === 0) throw new Error(`short read at byte ${position + done}`);
    done += n;
  }
  return out;
}
