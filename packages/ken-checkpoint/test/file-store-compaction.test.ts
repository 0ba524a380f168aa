import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, KenNode, type KenOutput } from '../src/index.ts';
import { Pinger, type PingState } from './pinger.ts';

/**
 * A Ken node on a FileStore whose directory was written before segments started at
 * snapshots (every compaction copied, leaving a `snapshot.ken`), then carried on by the
 * current store, whose compactions delete whole segments and retire that file. A crash
 * at every point of each such compaction (after each file deletion, in the store's
 * order) must recover the node's state and request cache exactly: nothing lost, and no
 * request answered again.
 */

const host = { now: () => 0, random: () => 0.5 };
type Files = Map<string, Buffer>;

let dir: string;
let scratch: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ken-compaction-'));
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ken-compaction-crash-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** The directory's files, but temporary ones (a dropped segment whose unlink is still under way): `load` removes those. */
function files(d: string): Files {
  const names = fs.readdirSync(d).filter((n) => !n.endsWith('.tmp'));
  return new Map(names.sort().map((n) => [n, fs.readFileSync(path.join(d, n))] as const));
}

/** The order the store deletes files in: log segments oldest first, then the snapshot file. */
function deletionOrder(names: string[]): string[] {
  return [...names.filter((n) => n.startsWith('log-')).sort(), ...names.filter((n) => !n.startsWith('log-'))];
}

/** What a compaction did, and the node's durable state when it ran. */
interface Compaction {
  readonly before: Files;
  readonly after: Files;
  readonly state: unknown;
  readonly requests: unknown;
}

/** With `legacy`, ignores `startsState`, as stores before segments started at snapshots did. */
class WatchedStore extends FileStore {
  legacy = true;
  node: KenNode<PingState> | undefined;
  readonly compactions: Compaction[] = [];

  override appendFramed(framed: Uint8Array, startsState = false): number {
    return super.appendFramed(framed, startsState && !this.legacy);
  }

  override compact(beforeRecord: number): void {
    const before = files(this.dir);
    const node = this.node!;
    const state = structuredClone(node.kenState);
    const requests = structuredClone(node.requestEntries);
    super.compact(beforeRecord);
    this.compactions.push({ before, after: files(this.dir), state, requests });
  }
}

function recoverFrom(contents: Files, service: Pinger): { node: KenNode<PingState>; out: KenOutput[] } {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch);
  for (const [name, bytes] of contents) fs.writeFileSync(path.join(scratch, name), bytes);
  const store = new FileStore(scratch);
  const node = new KenNode<PingState>(service, 'n1', ['n1', 'n2'], host, store, { snapshotEveryTurns: 8 });
  const out = node.start();
  store.close();
  return { node, out };
}

describe('FileStore compaction under a Ken node, crashed at every point', () => {
  it('retires a snapshot file left by copying compactions; every crash state recovers the same state and answers', () => {
    const service = new Pinger(10_000);
    const store = new WatchedStore(dir);
    const node = new KenNode<PingState>(service, 'n1', ['n1', 'n2'], host, store, { snapshotEveryTurns: 8 });
    store.node = node;
    node.start();
    node.durable(store.sync());
    for (let i = 0; i < 240; i++) {
      if (i === 120) store.legacy = false;
      node.timer('tick');
      if (i % 3 === 0) node.request(`q${i}`, 'c1', { add: i });
      if (i % 5 === 4) node.durable(store.sync());
    }
    node.durable(store.sync());
    store.close();

    const copied = store.compactions.filter((c) => [...c.after.keys()].some((n) => !c.before.has(n) || !c.before.get(n)!.equals(c.after.get(n)!)));
    const retiring = store.compactions.filter((c) => c.before.has('snapshot.ken') && !c.after.has('snapshot.ken'));
    expect(copied.length).toBeGreaterThan(0); // the legacy phase left a snapshot file
    expect(retiring).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, 'snapshot.ken'))).toBe(false);

    const calls = service.requestCalls;
    let crashStates = 0;
    for (const c of store.compactions) {
      if (!copied.includes(c)) {
        // Nothing written: only deletions, which a crash may cut short after any of them.
        const deleted = deletionOrder([...c.before.keys()].filter((n) => !c.after.has(n)));
        for (let k = 0; k <= deleted.length; k++) {
          const crashed = new Map(c.before);
          for (const n of deleted.slice(0, k)) crashed.delete(n);
          const { node: again } = recoverFrom(crashed, service);
          expect(again.kenState).toEqual(c.state);
          expect(again.requestEntries).toEqual(c.requests);
          crashStates++;
        }
      }
    }
    expect(crashStates).toBeGreaterThan(store.compactions.length - copied.length);

    // The final directory: every answered request is answered from the cache, not run again.
    const { node: last } = recoverFrom(files(dir), service);
    expect(last.appState.sent).toBe(240);
    let cached = 0;
    for (let i = 0; i < 240; i += 3) {
      const out = last.request(`q${i}`, 'c1', { add: i });
      expect(out).toEqual([{ kind: 'reply', requestId: `q${i}`, result: expect.any(Number) }]);
      cached++;
    }
    expect(cached).toBe(80);
    expect(service.requestCalls).toBe(calls);
  });
});
