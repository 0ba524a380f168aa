import { describe, expect, it, vi } from 'vitest';

/** When set, the next `fs.write` fails with it (as a full disk would), writing nothing. */
const failNext = vi.hoisted(() => ({ err: undefined as Error | undefined }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const write = (...args: unknown[]) => {
    const err = failNext.err;
    if (err === undefined) return (real.write as (...a: unknown[]) => void)(...args);
    failNext.err = undefined;
    const cb = args[args.length - 1] as (e: Error) => void;
    process.nextTick(() => cb(err));
  };
  return { ...real, default: { ...real, write }, write };
});

const { FileStore } = await import('../src/index.ts');
const { rec, tempDirEachTest, text } = await import('./store-fixtures.ts');

const dir = tempDirEachTest('ken-write-error-');

describe('FileStore.syncAsync when its write fails', () => {
  it('rejects, keeps the records buffered in order, and a later sync writes them where they belong', async () => {
    const s = new FileStore(dir());
    s.load();
    s.append(rec('a'));
    expect(await s.syncAsync()).toBe(1);
    s.append(rec('b'));
    s.append(rec('c'));
    failNext.err = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const failed = s.syncAsync();
    s.append(rec('d')); // appended while the failing write is in flight
    await expect(failed).rejects.toThrow(/ENOSPC/);
    expect(s.durableUpTo).toBe(1);
    expect(await s.syncAsync()).toBe(4);
    s.close();
    expect(text(new FileStore(dir()).load())).toEqual(['a', 'b', 'c', 'd']);
  });
});
