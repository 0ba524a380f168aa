import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { traceHash } from './fixtures/trace-hash.ts';

const script = fileURLToPath(new URL('./fixtures/trace-hash.ts', import.meta.url));
const bootstrap = new URL('./fixtures/ts-worker.mjs', import.meta.url);

function inFreshProcess(seed: number): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, String(seed)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return r.stdout.trim();
}

function inWorker(seed: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const w = new Worker(bootstrap, { workerData: { script: pathToFileURL(script).href, input: seed } });
    w.once('message', (m: string) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

describe('determinism: same seed and config, same trace, everywhere', () => {
  const seeds = [1, 42, 977];

  it('in the same process', () => {
    for (const s of seeds) expect(traceHash(s)).toBe(traceHash(s));
  });

  it('differs between seeds (the hash really covers the run)', () => {
    expect(new Set(seeds.map(traceHash)).size).toBe(seeds.length);
  });

  it('in a fresh process', () => {
    for (const s of seeds) expect(inFreshProcess(s)).toBe(traceHash(s));
  });

  it('in a worker thread', async () => {
    for (const s of seeds) expect(await inWorker(s)).toBe(traceHash(s));
  });
});
