import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointCorruptError, decodeCheckpointRecord, FileStore, KenNode, KenUsageError, scanRecords } from '../src/index.ts';
import { Pinger, type PingState } from './pinger.ts';
import { rec, tempDirEachTest, text } from './store-fixtures.ts';

const dir = tempDirEachTest('ken-filestore-');

function segments(): string[] {
  return fs.readdirSync(dir()).filter((n) => n.startsWith('log-')).sort();
}

/** A loaded store holding `xs` as records 1, 2, ..., all durable. */
function synced(xs: string[]): FileStore {
  const s = new FileStore(dir());
  s.load();
  for (const x of xs) s.append(rec(x));
  s.sync();
  return s;
}

describe('FileStore', () => {
  it('round-trips records across a reopen', () => {
    const s = new FileStore(dir());
    expect(s.load()).toEqual([]);
    expect(s.append(rec('one'))).toBe(1);
    expect(s.append(rec('two'))).toBe(2);
    expect(s.durableUpTo).toBe(0);
    expect(s.sync()).toBe(2);
    s.close();
    const t = new FileStore(dir());
    expect(text(t.load())).toEqual(['one', 'two']);
    expect(t.appendedUpTo).toBe(2);
    expect(t.durableUpTo).toBe(2);
    expect(t.append(rec('three'))).toBe(3);
    t.close();
  });

  it('syncAsync makes durable only what was appended before it, one call at a time', async () => {
    const s = new FileStore(dir());
    s.load();
    s.append(rec('one'));
    s.append(rec('two'));
    const first = s.syncAsync();
    expect(() => s.syncAsync()).toThrow(KenUsageError);
    expect(s.append(rec('three'))).toBe(3); // appended while the sync is in flight
    expect(await first).toBe(2);
    expect(s.durableUpTo).toBe(2);
    expect(s.counters.syncs).toBe(1);
    expect(await s.syncAsync()).toBe(3);
    expect(await s.syncAsync()).toBe(3); // nothing new: no fdatasync
    expect(s.counters.syncs).toBe(2);
    s.close();
    expect(text(new FileStore(dir()).load())).toEqual(['one', 'two', 'three']);
  });

  it('syncAsync writes in the thread pool: no sync, close or copying compact until it settles; appends meanwhile land after it', async () => {
    const s = new FileStore(dir());
    s.load();
    const all: string[] = [];
    for (let round = 0; round < 20; round++) {
      for (let k = 0; k < 5; k++) all.push(`r${s.append(rec(`r${s.appendedUpTo + 1}`))}`);
      const flight = s.syncAsync();
      all.push(`r${s.append(rec(`r${s.appendedUpTo + 1}`))}`); // appended while the write is in flight
      expect(() => s.sync()).toThrow(/while syncAsync/);
      expect(() => s.close()).toThrow(/while syncAsync/);
      if (round === 1) expect(() => s.compact(3)).toThrow(/while syncAsync/); // record 3 is durable: only the write in flight stops it
      expect(await flight).toBe(all.length - 1);
    }
    expect(await s.syncAsync()).toBe(all.length);
    s.close();
    expect(text(new FileStore(dir()).load())).toEqual(all);
  });

  it('drops a truncated tail and appends after the last valid record', () => {
    const s = new FileStore(dir());
    s.load();
    for (const x of ['a', 'bb', 'ccc']) s.append(rec(x));
    s.sync();
    s.close();
    const file = path.join(dir(), segments()[0]!);
    fs.truncateSync(file, fs.statSync(file).size - 2);
    const t = new FileStore(dir());
    expect(text(t.load())).toEqual(['a', 'bb']);
    expect(t.counters.tailsDropped).toBe(1);
    expect(t.append(rec('dd'))).toBe(3);
    t.sync();
    t.close();
    expect(text(new FileStore(dir()).load())).toEqual(['a', 'bb', 'dd']);
  });

  it('throws CheckpointCorruptError for a damaged record in the middle', () => {
    const s = new FileStore(dir());
    s.load();
    for (const x of ['first', 'second', 'third']) s.append(rec(x));
    s.sync();
    s.close();
    const file = path.join(dir(), segments()[0]!);
    const bytes = fs.readFileSync(file);
    const at = 8 + 5 + 8 + 2; // inside "second"
    bytes[at] = bytes[at]! ^ 0x40;
    fs.writeFileSync(file, bytes);
    let caught: unknown;
    try {
      new FileStore(dir()).load();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckpointCorruptError);
    expect((caught as CheckpointCorruptError).record).toBe(2);
    expect((caught as Error).message).toContain(file);
  });

  it('compacts: a snapshot file for the kept record, a new log segment for the rest', () => {
    const s = new FileStore(dir());
    s.load();
    for (let i = 1; i <= 10; i++) s.append(rec(`r${i}`));
    s.sync();
    expect(() => s.compact(11)).toThrow(KenUsageError);
    s.compact(7);
    expect(fs.existsSync(path.join(dir(), 'snapshot.ken'))).toBe(true);
    expect(segments()).toEqual(['log-0000000000000008.ken']);
    s.append(rec('r11'));
    s.sync();
    s.compact(9);
    expect(segments()).toEqual(['log-0000000000000010.ken']);
    s.close();
    const t = new FileStore(dir());
    expect(text(t.load())).toEqual(['r9', 'r10', 'r11']);
    expect(t.appendedUpTo).toBe(11);
    expect(fs.readdirSync(dir()).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    t.close();
  });

  it('survives a crash in the middle of compaction (old segment still there)', () => {
    const s = new FileStore(dir());
    s.load();
    for (let i = 1; i <= 6; i++) s.append(rec(`r${i}`));
    s.sync();
    s.close();
    const old = path.join(dir(), segments()[0]!);
    const keep = fs.readFileSync(old);
    const t = new FileStore(dir());
    t.load();
    t.compact(4);
    t.close();
    fs.writeFileSync(old, keep); // as if the crash came before the old segment was deleted
    fs.writeFileSync(path.join(dir(), 'log-0000000000000005.ken.tmp'), 'partial');
    const u = new FileStore(dir());
    expect(text(u.load())).toEqual(['r4', 'r5', 'r6']);
    expect(segments()).toEqual(['log-0000000000000005.ken']);
    u.close();
  });

  it('carries a KenNode across restarts, with snapshots and compaction keeping the log small', () => {
    const host = { now: () => 0, random: () => 0.5 };
    const run = (turns: number): { state: unknown; sent: number } => {
      const store = new FileStore(dir());
      const node = new KenNode<PingState>(new Pinger(1000), 'n1', ['n1', 'n2'], host, store, { snapshotEveryTurns: 10 });
      node.start();
      node.durable(store.durableUpTo);
      for (let i = 0; i < turns; i++) {
        node.timer('tick');
        if (i % 4 === 3) node.durable(store.sync());
      }
      node.durable(store.sync());
      const state = structuredClone(node.kenState);
      store.close();
      return { state, sent: node.appState.sent };
    };
    const first = run(57);
    expect(first.sent).toBe(57);
    const store = new FileStore(dir());
    const again = new KenNode<PingState>(new Pinger(1000), 'n1', ['n1', 'n2'], host, store);
    const out = again.start();
    expect(again.kenState).toEqual(first.state);
    expect(out.filter((o) => o.kind === 'frame')).toHaveLength(57); // nothing was acked
    store.close();
    // Snapshots start segments, so compaction deleted whole segments: one is left, and it
    // starts with a snapshot.
    expect(fs.existsSync(path.join(dir(), 'snapshot.ken'))).toBe(false);
    expect(segments()).toHaveLength(1);
    const log = fs.readFileSync(path.join(dir(), segments()[0]!));
    const head = scanRecords(log, 1, 'log').payloads[0]!;
    expect(decodeCheckpointRecord(head, 1).kind).toBe('snapshot');
    expect(log.length).toBeLessThan(head.length * 10);
  });

  it('a record that starts the state starts a segment, created by the sync that covers it', () => {
    const s = new FileStore(dir());
    s.load();
    s.append(rec('a'));
    s.append(rec('b'));
    s.sync();
    expect(s.append(rec('c'), true)).toBe(3);
    s.append(rec('d'));
    expect(segments()).toEqual(['log-0000000000000001.ken']); // not before the sync
    expect(s.sync()).toBe(4);
    expect(segments()).toEqual(['log-0000000000000001.ken', 'log-0000000000000003.ken']);
    s.compact(3); // the open segment starts at 3: the older one is deleted, nothing copied
    expect(segments()).toEqual(['log-0000000000000003.ken']);
    expect(fs.existsSync(path.join(dir(), 'snapshot.ken'))).toBe(false);
    s.append(rec('e'));
    s.sync();
    s.close();
    const t = new FileStore(dir());
    expect(text(t.load())).toEqual(['c', 'd', 'e']);
    expect(t.appendedUpTo).toBe(5);
    t.close();
  });

  it('syncAsync starts a segment only after the one before it is durable, off the event loop', async () => {
    const s = new FileStore(dir());
    s.load();
    s.append(rec('a'));
    s.append(rec('b'), true);
    const first = s.syncAsync();
    s.append(rec('c')); // appended while the sync is in flight: into the new segment, not yet durable
    s.append(rec('d'), true); // a second state record before the sync: stays in the same new segment
    expect(segments()).toEqual(['log-0000000000000001.ken']);
    expect(await first).toBe(2);
    expect(segments()).toEqual(['log-0000000000000001.ken', 'log-0000000000000002.ken']);
    expect(await s.syncAsync()).toBe(4);
    s.compact(4); // not the segment's first record, but the segment starts with a state record: kept from there, nothing copied
    expect(fs.existsSync(path.join(dir(), 'snapshot.ken'))).toBe(false);
    expect(segments()).toEqual(['log-0000000000000002.ken']);
    s.close();
    expect(text(new FileStore(dir()).load())).toEqual(['b', 'c', 'd']);
  });

  it('a dropped segment leaves the log at once; its file, if the unlink has not run (a crash), is removed by load', () => {
    const s = new FileStore(dir());
    s.load();
    s.append(rec('a'));
    s.append(rec('b'), true);
    s.sync();
    const old = fs.readFileSync(path.join(dir(), 'log-0000000000000001.ken'));
    s.compact(2);
    expect(segments()).toEqual(['log-0000000000000002.ken']); // renamed away before compact returns
    s.close();
    const leftover = path.join(dir(), 'drop-log-0000000000000001.ken.tmp');
    fs.writeFileSync(leftover, old); // as if the process died before the unlink ran
    expect(text(new FileStore(dir()).load())).toEqual(['b']);
    expect(fs.existsSync(leftover)).toBe(false);
  });

  it('once a snapshot file exists, compaction behind a segment that starts the state retires it without copying', () => {
    const s = synced(['a', 'b', 'c']);
    s.compact(2); // the first segment starts with no state record: copied
    expect(fs.existsSync(path.join(dir(), 'snapshot.ken'))).toBe(true);
    expect(segments()).toEqual(['log-0000000000000003.ken']);
    s.append(rec('d'), true);
    s.append(rec('e'));
    s.append(rec('f'), true); // the same new segment
    s.sync();
    expect(segments()).toEqual(['log-0000000000000003.ken', 'log-0000000000000004.ken']);
    const segBefore = s.counters.compactions;
    s.compact(6);
    expect(s.counters.compactions).toBe(segBefore + 1);
    expect(fs.existsSync(path.join(dir(), 'snapshot.ken'))).toBe(false);
    expect(segments()).toEqual(['log-0000000000000004.ken']);
    s.append(rec('g'));
    s.sync();
    s.close();
    expect(text(new FileStore(dir()).load())).toEqual(['d', 'e', 'f', 'g']);
  });

  it('a compaction retiring the snapshot file, cut short before the file went, loads from the segment that starts the state', () => {
    const s = synced(['a', 'b', 'c']);
    s.compact(2);
    const snapFile = path.join(dir(), 'snapshot.ken');
    const snap = fs.readFileSync(snapFile);
    const copied = path.join(dir(), 'log-0000000000000003.ken');
    const copy = fs.readFileSync(copied);
    s.append(rec('d'), true);
    s.append(rec('e'));
    s.sync();
    s.compact(4);
    s.close();
    // The crash came after the older segment was deleted, before the snapshot file was.
    fs.writeFileSync(snapFile, snap);
    const t = new FileStore(dir());
    expect(text(t.load())).toEqual(['d', 'e']);
    expect(fs.existsSync(snapFile)).toBe(false);
    t.close();
    // ... or before anything was deleted: the log continues the snapshot file as before.
    fs.writeFileSync(snapFile, snap);
    fs.writeFileSync(copied, copy);
    expect(text(new FileStore(dir()).load())).toEqual(['b', 'c', 'd', 'e']);
  });

  it('copying compaction does not report records held for a segment not yet started as durable', () => {
    const s = synced(['a', 'b', 'c']);
    s.append(rec('d'), true); // held for a new segment, which the next sync starts
    s.compact(2);
    expect(s.durableUpTo).toBe(3);
    expect(s.sync()).toBe(4);
    s.close();
    expect(text(new FileStore(dir()).load())).toEqual(['b', 'c', 'd']);
  });

  it('a compaction cut short leaves a contiguous log that loads from its oldest segment; a damaged older segment throws', () => {
    const s = new FileStore(dir());
    s.load();
    for (const [x, starts] of [['a', false], ['b', true], ['c', false], ['d', true], ['e', false]] as const) {
      s.append(rec(x), starts);
      s.sync();
    }
    const middle = path.join(dir(), 'log-0000000000000002.ken');
    const keep = fs.readFileSync(middle);
    s.compact(4);
    s.close();
    fs.writeFileSync(middle, keep); // as if the crash came between the two deletions
    expect(text(new FileStore(dir()).load())).toEqual(['b', 'c', 'd', 'e']);
    const damaged = Buffer.from(keep);
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 1; // 'c', the older segment's last record
    fs.writeFileSync(middle, damaged);
    expect(() => new FileStore(dir()).load()).toThrow(CheckpointCorruptError);
  });
});
