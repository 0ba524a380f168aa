import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** Records as text, for store tests. */
export const rec = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (xs: Uint8Array[]): string[] => xs.map((x) => new TextDecoder().decode(x));

/** A fresh temporary directory for each test (removed after it): call the result for its path. */
export function tempDirEachTest(prefix: string): () => string {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}
