import { Service, type Context, type NodeId } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import { CheckpointCorruptError, KenNode, KenOutboxFullError, KenUsageError, SimDisk, type KenOutput } from '../src/index.ts';
import { framesIn, Harness } from './harness.ts';
import { Pinger, type PingState } from './pinger.ts';

const host = { now: () => 0, random: () => 0.5 };

/** Two started nodes whose first (onStart) records are durable. */
function pair(limit = 10, options = {}): Harness {
  const h = new Harness(['n1', 'n2'], new Pinger(limit), options);
  h.start('n1');
  h.start('n2');
  h.sync('n1');
  h.sync('n2');
  return h;
}

const app = (h: Harness, id: NodeId) => h.node(id).appState as PingState;

describe('KenNode: output commit', () => {
  it('holds a turn\'s messages until its record is durable, then sends them with seq and ack', () => {
    const h = pair();
    const out = h.fire('n1', 'tick');
    expect(framesIn(out)).toEqual([]);
    expect(out).toContainEqual({ kind: 'setTimer', tag: 'tick', delayMs: 5 }); // timers are local: at once
    expect(h.disk('n1').appendedUpTo).toBeGreaterThan(h.disk('n1').durableUpTo);
    expect(h.node('n1').heldTurns).toBe(1);
    const released = h.sync('n1');
    expect(framesIn(released)).toEqual([{ to: 'n2', frame: { ken: 'data', seq: 1, ack: 0, msg: { type: 'ping', n: 1 } } }]);
    expect(h.node('n1').unackedTo('n2')).toBe(1);
  });

  it('acks a message only once the turn that handled it is durable', () => {
    const h = pair();
    h.fire('n1', 'tick');
    h.sync('n1');
    const onDeliver = h.deliver(0);
    expect(app(h, 'n2').got.n1).toEqual([1]);
    expect(framesIn(onDeliver)).toEqual([]);
    const afterSync = h.sync('n2');
    expect(framesIn(afterSync)).toEqual([{ to: 'n1', frame: { ken: 'ack', ack: 1 } }]);
    h.deliver(0);
    expect(h.node('n1').unackedTo('n2')).toBe(0);
    expect(h.hasTimer('n1', 'ken:rt:')).toBe(false); // retransmission stopped
  });

  it('piggybacks the durable ack on data frames instead of sending ack-only frames', () => {
    const h = pair();
    h.fire('n1', 'tick');
    h.sync('n1');
    h.deliver(0); // n2 delivers n1's ping 1
    h.fire('n2', 'tick'); // and sends its own ping 1 in a later turn
    const out = framesIn(h.sync('n2'));
    expect(out).toEqual([{ to: 'n1', frame: { ken: 'data', seq: 1, ack: 1, msg: { type: 'ping', n: 1 } } }]);
  });

  it('group commit: one sync covers several turns, but each turn waits for its own record', () => {
    const h = pair();
    const disk = h.disk('n1');
    const node = h.node('n1');
    h.fire('n1', 'tick');
    h.fire('n1', 'tick');
    const upTo = disk.beginSync(); // covers the two turns so far
    h.fire('n1', 'tick'); // a third turn, appended while the sync is in flight
    disk.completeSync(upTo);
    const first = framesIn(h.apply('n1', node.durable(upTo)));
    expect(first.map((f) => (f.frame.ken === 'data' ? f.frame.seq : -1))).toEqual([1, 2]);
    expect(node.heldTurns).toBe(1);
    const second = framesIn(h.sync('n1'));
    expect(second.map((f) => (f.frame.ken === 'data' ? f.frame.seq : -1))).toEqual([3]);
    expect(disk.counters.syncs).toBe(3); // the two at start-up, then these two
  });

  it('refuses durable() beyond what the store has made durable', () => {
    const h = pair();
    h.fire('n1', 'tick');
    expect(() => h.node('n1').durable(h.disk('n1').appendedUpTo)).toThrow(KenUsageError);
  });
});

describe('KenNode: seq/ack between peers', () => {
  it('drops a duplicate and re-acks it', () => {
    const h = pair();
    h.fire('n1', 'tick');
    h.sync('n1');
    const frame = h.net[0]!;
    h.deliver(0);
    h.sync('n2');
    h.net = [];
    const out = h.apply('n2', h.node('n2').frame(frame.from, frame.frame));
    expect(framesIn(out)).toEqual([{ to: 'n1', frame: { ken: 'ack', ack: 1 } }]);
    expect(app(h, 'n2').got.n1).toEqual([1]);
    expect(h.node('n2').stats.duplicates).toBe(1);
  });

  it('delivers in order when frames arrive out of order', () => {
    const h = pair();
    for (let i = 0; i < 3; i++) h.fire('n1', 'tick');
    h.sync('n1');
    expect(h.net).toHaveLength(3);
    h.deliver(2); // seq 3
    h.deliver(1); // seq 2
    expect(app(h, 'n2').got.n1 ?? []).toEqual([]);
    expect(h.node('n2').stats.buffered).toBe(2);
    h.deliver(0); // seq 1: all three now
    expect(app(h, 'n2').got.n1).toEqual([1, 2, 3]);
  });

  it('retransmits unacked messages with exponential backoff up to the cap', () => {
    const h = pair(10, { retransmitMsMin: 50, retransmitMsMax: 300 });
    h.fire('n1', 'tick');
    const released = h.sync('n1');
    expect(released).toContainEqual({ kind: 'setTimer', tag: 'ken:rt:n2', delayMs: 50 });
    h.net = []; // lost
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const out = h.fire('n1', 'ken:rt:n2');
      expect(framesIn(out)).toEqual([{ to: 'n2', frame: { ken: 'data', seq: 1, ack: 0, msg: { type: 'ping', n: 1 } } }]);
      for (const o of out) if (o.kind === 'setTimer') delays.push(o.delayMs);
      h.net = [];
    }
    expect(delays).toEqual([100, 200, 300, 300, 300]);
    expect(h.node('n1').stats.retransmissions).toBe(5);
  });

  it('bounds the outbox: a send past outboxMaxPerPeer throws and voids the turn', () => {
    const h = pair(100, { outboxMaxPerPeer: 3 });
    for (let i = 0; i < 3; i++) h.fire('n1', 'tick');
    expect(h.node('n1').unackedTo('n2')).toBe(3);
    const before = h.node('n1').kenState;
    expect(() => h.node('n1').timer('tick')).toThrow(KenOutboxFullError);
    expect(h.node('n1').kenState).toBe(before);
  });

  it('reports (and clamps) an ack for messages it never sent', () => {
    const h = pair();
    const out = h.node('n1').frame('n2', { ken: 'ack', ack: 5 });
    expect(out.some((o) => o.kind === 'log' && o.text.includes('checkpoint was lost'))).toBe(true);
    expect(h.node('n1').stats.bogusAcks).toBe(1);
  });

  it('tells the app how many messages a peer has not acknowledged', () => {
    const seen: number[] = [];
    class Probe extends Service<{ n: number }, string> {
      initialState() {
        return { n: 0 };
      }
      override onTimer(ctx: Context<{ n: number }, string>) {
        seen.push(ctx.unackedTo('n2'));
        ctx.state.n++;
        ctx.send('n2', 'x');
        ctx.setTimer('t', 1);
      }
      override onStart(ctx: Context<{ n: number }, string>) {
        ctx.setTimer('t', 1);
      }
      onMessage() {}
    }
    const node = new KenNode(new Probe(), 'n1', ['n1', 'n2'], host, new SimDisk());
    node.start();
    node.timer('t');
    node.timer('t');
    node.timer('t');
    expect(seen).toEqual([0, 1, 2]);
  });
});

describe('KenNode: crash and recovery', () => {
  it('restores the state of the last durable turn and retransmits what is unacked', () => {
    const h = pair();
    h.fire('n1', 'tick');
    h.fire('n1', 'tick');
    h.sync('n1');
    const durableState = structuredClone(h.node('n1').kenState);
    const durableRequests = h.node('n1').requestEntries;
    h.fire('n1', 'tick'); // not durable
    expect(app(h, 'n1').sent).toBe(3);
    h.net = [];
    h.crash('n1', true);
    const out = h.start('n1');
    expect(h.node('n1').kenState).toEqual(durableState);
    expect(h.node('n1').requestEntries).toEqual(durableRequests);
    expect(app(h, 'n1').sent).toBe(2);
    expect(framesIn(out).map((f) => f.frame)).toEqual([
      { ken: 'data', seq: 1, ack: 0, msg: { type: 'ping', n: 1 } },
      { ken: 'data', seq: 2, ack: 0, msg: { type: 'ping', n: 2 } },
    ]);
    expect(out.some((o) => o.kind === 'setTimer' && o.tag === 'tick')).toBe(true); // app timer re-armed
    expect(h.node('n1').stats.recoveries).toBe(1);
  });

  it('a crash before the first sync starts the node afresh', () => {
    const h = new Harness(['n1', 'n2'], new Pinger(5));
    h.start('n1');
    h.crash('n1', true);
    h.start('n1');
    expect(h.node('n1').stats.recoveries).toBe(0);
    expect(app(h, 'n1').sent).toBe(0);
  });

  it('re-acks after recovery so the peer can forget what was delivered', () => {
    const h = pair();
    h.fire('n1', 'tick');
    h.sync('n1');
    h.deliver(0);
    h.sync('n2');
    h.net = []; // the ack is lost
    h.crash('n2', false);
    const out = framesIn(h.start('n2'));
    expect(out).toEqual([{ to: 'n1', frame: { ken: 'ack', ack: 1 } }]);
    expect(app(h, 'n2').got.n1).toEqual([1]);
  });

  it('answers a retried request after recovery from the cache, without running the app', () => {
    const svc = new Pinger(0);
    const h = new Harness(['n1', 'n2'], svc);
    h.start('n1');
    h.sync('n1');
    expect(h.request('n1', 'r1', { add: 5 })).toEqual([]); // held
    expect(h.sync('n1')).toContainEqual({ kind: 'reply', requestId: 'r1', result: 5 });
    expect(svc.requestCalls).toBe(1);
    h.crash('n1', false);
    h.start('n1');
    expect(h.request('n1', 'r1', { add: 5 })).toEqual([{ kind: 'reply', requestId: 'r1', result: 5 }]);
    expect(svc.requestCalls).toBe(1);
    expect(app(h, 'n1').total).toBe(5);
    expect(h.node('n1').stats.cachedReplies).toBe(1);
  });

  it('a request whose turn was lost in the crash runs again; a pending one is not re-run', () => {
    const svc = new Pinger(0);
    const h = new Harness(['n1', 'n2'], svc);
    h.start('n1');
    h.sync('n1');
    h.request('n1', 'lost', { add: 1 });
    h.crash('n1', false);
    h.start('n1');
    expect(app(h, 'n1').total).toBe(0);
    h.request('n1', 'lost', { add: 1 });
    expect(h.sync('n1')).toContainEqual({ kind: 'reply', requestId: 'lost', result: 1 });
    h.request('n1', 'slow', { hold: true });
    h.sync('n1');
    const calls = svc.requestCalls;
    expect(h.request('n1', 'slow', { hold: true })).toEqual([]);
    expect(svc.requestCalls).toBe(calls);
    expect(h.node('n1').stats.retriesDropped).toBe(1);
  });

  it('releases a redirect after commit, and lets a redirected request run again when retried', () => {
    const svc = new Pinger(0);
    const h = new Harness(['n1', 'n2'], svc);
    h.start('n1');
    h.sync('n1');
    h.request('n1', 'r', { redirectTo: 'n2' });
    expect(h.sync('n1')).toContainEqual({ kind: 'redirect', requestId: 'r', to: 'n2' });
    h.request('n1', 'r', { add: 2 });
    expect(h.sync('n1')).toContainEqual({ kind: 'reply', requestId: 'r', result: 2 });
  });

  it('writes snapshots, compacts behind them, and recovers the same state', () => {
    const h = pair(200, { snapshotEveryTurns: 8 });
    for (let i = 0; i < 60; i++) {
      h.fire('n1', 'tick');
      if (i % 3 === 0) h.sync('n1');
      while (h.net.length > 0) h.deliver(0);
      h.sync('n2');
      while (h.net.length > 0) h.deliver(0);
    }
    h.sync('n1');
    const disk = h.disk('n1');
    expect(h.node('n1').stats.snapshots).toBeGreaterThanOrEqual(7);
    expect(disk.recordCount).toBeLessThanOrEqual(9);
    const state = structuredClone(h.node('n1').kenState);
    h.crash('n1', false);
    h.start('n1');
    expect(h.node('n1').kenState).toEqual(state);
  });

  it('replaying the log rebuilds exactly the in-memory state, acks and evictions included', () => {
    const h = pair(50, { requestCacheMax: 3 });
    for (let i = 0; i < 20; i++) {
      h.fire('n1', 'tick');
      h.fire('n2', 'tick');
      h.request('n1', `q${i}`, { add: i });
      h.sync('n1');
      h.sync('n2');
      while (h.net.length > 0) h.deliver(h.rng.int(h.net.length));
    }
    const live = h.node('n1').kenState;
    const requests = h.node('n1').requestEntries;
    expect(requests.map(([id]) => id)).toEqual(['q17', 'q18', 'q19']);
    expect(requests.every(([, answer]) => typeof answer === 'object' && 'result' in answer)).toBe(true);
    const copy = new KenNode(new Pinger(50), 'n1', ['n1', 'n2'], host, h.disk('n1'), { requestCacheMax: 3 });
    copy.start();
    expect(copy.kenState).toEqual(live);
    expect(copy.requestEntries).toEqual(requests);
  });

  it('a corrupt record in the middle is a CheckpointCorruptError, never a silent reset', () => {
    const h = pair();
    for (let i = 0; i < 4; i++) h.fire('n1', 'tick');
    h.sync('n1');
    h.crash('n1', false);
    h.disk('n1').corrupt(2, 12);
    expect(() => h.start('n1')).toThrow(CheckpointCorruptError);
  });

  it('a corrupt last record is dropped: the node comes back one turn earlier', () => {
    const h = pair();
    for (let i = 0; i < 4; i++) h.fire('n1', 'tick');
    h.sync('n1');
    h.crash('n1', false);
    h.disk('n1').corrupt(h.disk('n1').appendedUpTo, 12);
    h.start('n1');
    expect(app(h, 'n1').sent).toBe(3);
  });
});

describe('KenNode: contract', () => {
  it('rejects app timer tags in the ken: namespace', () => {
    class Bad extends Service<{ x: number }, never> {
      initialState() {
        return { x: 0 };
      }
      override onStart(ctx: Context<{ x: number }, never>) {
        ctx.setTimer('ken:mine', 1);
      }
      onMessage() {}
    }
    const node = new KenNode(new Bad(), 'n1', ['n1'], host, new SimDisk());
    expect(() => node.start()).toThrow(KenUsageError);
  });

  it('checks its options and call order', () => {
    expect(() => new KenNode(new Pinger(1), 'n1', ['n1'], host, new SimDisk(), { retransmitMsMin: 0 })).toThrow(KenUsageError);
    expect(() => new KenNode(new Pinger(1), 'n1', ['n1'], host, new SimDisk(), { retransmitMsMin: 500, retransmitMsMax: 100 })).toThrow(
      KenUsageError,
    );
    const node = new KenNode(new Pinger(1), 'n1', ['n1'], host, new SimDisk());
    expect(() => node.timer('tick')).toThrow(KenUsageError);
    node.start();
    expect(() => node.start()).toThrow(KenUsageError);
  });

  it('drops malformed frames with a log line', () => {
    const h = pair();
    const out: KenOutput[] = h.node('n2').frame('n1', { ken: 'data', seq: 0, ack: 0, msg: 1 } as never);
    expect(out[0]?.kind).toBe('log');
    expect(h.node('n2').stats.badFrames).toBe(1);
  });

  it('is deterministic: the same inputs give byte-identical records', () => {
    const run = () => {
      const h = pair(20);
      for (let i = 0; i < 10; i++) {
        h.fire('n1', 'tick');
        h.sync('n1');
        while (h.net.length > 0) h.deliver(0);
        h.sync('n2');
      }
      return h.disk('n2').load().map((p) => Buffer.from(p).toString('hex'));
    };
    expect(run()).toEqual(run());
  });
});
