import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kenHostLayer } from '../src/host-layer.ts';
import { Pinger, type PingState } from './pinger.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ken-host-'));
  dirs.push(dir);
  return dir;
}

/** A layer over `dir` whose Pinger sends `limit` pings to n2, one per 'tick' timer. */
function pingerIn(dir: string, limit: number) {
  return kenHostLayer({ dataDir: dir })({ service: new Pinger(limit, 5), self: 'n1', cluster: ['n1', 'n2'], host: { now: () => 0, random: () => 0 } });
}

function layerIn(dir: string) {
  let t = 1_000;
  const host = { now: () => t++, random: () => 0.5 };
  return kenHostLayer({ dataDir: dir })({ service: new Pinger(0), self: 'n1', cluster: ['n1', 'n2'], host });
}

describe('kenHostLayer', () => {
  it('holds a reply until its turn is synced, then recovers the state from the data dir', () => {
    const dir = tempDir();
    const a = layerIn(dir);
    expect(a.wire).toBe('ken');
    a.start();
    expect(a.flushPending).toBe(false); // onStart only armed a timer: nothing waits for its record
    a.flush();
    const held = a.request('c1/0', 'c1', { add: 5 });
    expect(held.filter((o) => o.kind === 'reply')).toEqual([]);
    expect(a.flushPending).toBe(true);
    expect(a.flush()).toContainEqual({ kind: 'reply', requestId: 'c1/0', result: 5 });
    expect(a.flushPending).toBe(false);
    // A "crash": the layer is dropped without close, its LOCK left behind as by a process now
    // gone; a new one over the same directory recovers.
    fs.writeFileSync(path.join(dir, 'LOCK'), '999999999\n');
    const b = layerIn(dir);
    b.start();
    expect((b.appState as PingState).total).toBe(5);
    // The retried request is answered from the recovered cache, not applied twice.
    expect(b.request('c1/0', 'c1', { add: 5 })).toContainEqual({ kind: 'reply', requestId: 'c1/0', result: 5 });
    expect((b.appState as PingState).total).toBe(5);
    b.close();
  });

  it('turns an outgoing message into a Ken frame for the host to send', () => {
    const a = pingerIn(tempDir(), 1);
    a.start();
    a.flush();
    a.timer('tick');
    const sent = a.flush().filter((o) => o.kind === 'send');
    expect(sent).toEqual([{ kind: 'send', to: 'n2', payload: { ken: 'data', seq: 1, ack: 0, msg: { type: 'ping', n: 1 } } }]);
    expect(a.unackedTo('n2')).toBe(1);
    a.close();
  });

  it('asks for a sync only when outputs wait for one; a record nothing waits on goes with the next sync', () => {
    const dir = tempDir();
    const a = pingerIn(dir, 2);
    a.start();
    a.flush();
    a.timer('tick');
    expect(a.flushPending).toBe(true); // the ping waits for its record
    expect(a.flush().filter((o) => o.kind === 'send')).toHaveLength(1);
    expect(a.flushPending).toBe(false);
    expect(a.message('n2', { ken: 'ack', ack: 1 })).toEqual([{ kind: 'cancelTimer', tag: 'ken:rt:n2' }]);
    expect(a.unackedTo('n2')).toBe(0);
    const syncs = a.stats()['syncs'];
    expect(a.flushPending).toBe(false); // the ack's outbox prune is recorded, but nothing waits on it
    a.timer('tick');
    expect(a.flushPending).toBe(true);
    const sent = a.flush().filter((o) => o.kind === 'send');
    expect(sent).toEqual([{ kind: 'send', to: 'n2', payload: { ken: 'data', seq: 2, ack: 0, msg: { type: 'ping', n: 2 } } }]);
    expect(a.stats()['syncs']).toBe(syncs! + 1);
    // Both records are on disk: a restart recovers the prune and the second ping.
    a.close();
    const b = pingerIn(dir, 2);
    b.start();
    expect(b.unackedTo('n2')).toBe(1);
    expect((b.appState as PingState).sent).toBe(2);
    b.close();
  });

  it('refuses a data directory another live process holds, and takes over one a dead process left', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'LOCK'), `${process.ppid}\n`);
    expect(() => layerIn(dir)).toThrow(/is in use by process/);
    fs.writeFileSync(path.join(dir, 'LOCK'), '999999999\n');
    const a = layerIn(dir);
    expect(fs.readFileSync(path.join(dir, 'LOCK'), 'utf8')).toBe(`${process.pid}\n`);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('LOCK'))).toEqual(['LOCK']);
    // A second node in this same process is refused too.
    expect(() => layerIn(dir)).toThrow(/is in use by this process \(another node\)/);
    a.close();
    expect(fs.existsSync(path.join(dir, 'LOCK'))).toBe(false);
  });
});
