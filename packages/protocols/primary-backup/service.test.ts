import { describe, expect, it } from 'vitest';
import { bootstrapped, TestCluster } from './testkit.ts';
import type { Msg } from './messages.ts';
import { ballotAbove } from './viewchange.ts';

const put = (key: string, value: string, seq: number) => ({ type: 'put', key, value, seq }) as const;
const get = (key: string, seq: number) => ({ type: 'get', key, seq }) as const;

describe('primary-backup: bootstrap', () => {
  it('the first founder forms view 1 with every founder once all have said they are empty', () => {
    const c = bootstrapped();
    for (const id of ['n1', 'n2', 'n3']) {
      const s = c.state(id);
      expect(s.status).toBe('member');
      expect(s.view).toMatchObject({ num: 1, primary: 'n1', members: ['n1', 'n2', 'n3'] });
    }
  });

  it('does not bootstrap while some founder has not answered', () => {
    const c = new TestCluster(['n1', 'n2', 'n3']);
    c.start('n1');
    c.start('n2');
    c.deliver();
    c.settle(3);
    expect(c.state('n1').status).toBe('recovering');
  });
});

describe('primary-backup: replication', () => {
  it('replicates a put to every secondary before replying', () => {
    const c = bootstrapped();
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    expect(c.replies).toEqual([]);
    expect(c.pending('Replicate').map((e) => e.to).sort()).toEqual(['n2', 'n3']);
    // Deliver the replication to n2 only: still no reply, n3 has not acknowledged.
    c.deliver((e) => e.to === 'n3');
    expect(c.state('n2').store.data['k']).toEqual(['c1:0']);
    expect(c.replies).toEqual([]);
    // The retransmission on the next tick reaches n3; then the client gets its answer.
    c.settle(1);
    expect(c.state('n3').store.data['k']).toEqual(['c1:0']);
    expect(c.replies).toEqual([{ node: 'n1', requestId: 'r1', result: { type: 'put-ok' } }]);
  });

  it('with the reply-before-replicate bug, replies before any secondary has the write', () => {
    const c = bootstrapped('reply-before-replicate');
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    expect(c.replies).toEqual([{ node: 'n1', requestId: 'r1', result: { type: 'put-ok' } }]);
    expect(c.state('n2').store.data['k']).toBeUndefined();
  });

  it('answers a get through the log, with the newest committed value', () => {
    const c = bootstrapped();
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    c.deliver();
    c.request('n1', get('k', 0), 'r2', 'c2');
    expect(c.replies.find((r) => r.requestId === 'r2')).toBeUndefined(); // not before the members confirm
    c.deliver();
    expect(c.replies.find((r) => r.requestId === 'r2')?.result).toEqual({ type: 'get-ok', value: 'c1:0' });
  });

  it('answers a retried request from the session without applying it twice', () => {
    const c = bootstrapped();
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    c.deliver();
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    expect(c.replies.filter((r) => r.requestId === 'r1')).toHaveLength(2);
    for (const id of ['n1', 'n2', 'n3']) expect(c.state(id).store.data['k']).toEqual(['c1:0']);
  });

  it('ignores a late copy of an older request from the same client', () => {
    const c = bootstrapped();
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    c.deliver();
    c.request('n1', put('k', 'c1:1', 1), 'r2');
    c.deliver();
    c.request('n1', put('k', 'c1:0', 0), 'r1-copy'); // a different id, an older seq
    c.deliver();
    expect(c.state('n1').store.data['k']).toEqual(['c1:0', 'c1:1']);
    expect(c.replies.find((r) => r.requestId === 'r1-copy')).toBeUndefined();
  });

  it('secondaries apply ops in order, ignoring duplicates and anything after a gap', () => {
    const c = bootstrapped();
    c.request('n1', put('k', 'a', 0), 'r1');
    c.request('n1', put('k', 'b', 1), 'r2', 'c2');
    c.queue.length = 0;
    c.nowMs += 50;
    c.tick('n1'); // retransmits both ops in one Replicate
    const batch = c.pending('Replicate', 'n2')[0]!;
    const msg = batch.msg;
    if (msg.type !== 'Replicate') throw new Error('expected a Replicate');
    expect(msg.ops.map((op) => op.seq)).toEqual([1, 2]);
    const only = (i: number) => ({ ...batch, msg: { ...msg, ops: [msg.ops[i]!] } });
    c.queue.length = 0;
    c.queue.push(only(1), only(0), only(0)); // reordered and duplicated
    c.deliver((e) => e.msg.type === 'Ack'); // acks lost: the primary sends nothing more until its next tick
    expect(c.state('n2').store.data['k']).toEqual(['a']); // 'b' came before 'a' and was ignored
    c.queue.push(batch);
    c.deliver();
    expect(c.state('n2').store.data['k']).toEqual(['a', 'b']);
    expect(c.state('n2').store.seq).toBe(2);
  });

  it('sends the ops ordered while a Replicate was in flight as soon as it is acknowledged, in one batch', () => {
    const c = bootstrapped();
    c.request('n1', put('k', 'a', 0), 'r1');
    const first = c.queue.splice(0); // op 1 on its way to n2 and n3
    expect(first.map((e) => e.msg.type)).toEqual(['Replicate', 'Replicate']);
    c.request('n1', put('k', 'b', 0), 'r2', 'c2');
    c.request('n1', put('k', 'c', 0), 'r3', 'c3');
    expect(c.queue).toEqual([]); // one batch in flight per member: ops 2 and 3 wait for its ack
    c.queue.push(...first);
    c.deliver((e) => e.msg.type === 'Replicate' && e.msg.ops[0]!.seq > 1 && e.to === 'n3'); // n3 loses the second batch
    for (const m of ['n2', 'n3']) expect(c.state(m).store.seq, m).toBe(m === 'n2' ? 3 : 1); // no tick ran
    expect(c.replies.map((r) => r.requestId)).toEqual(['r1']);
  });

  it('a secondary redirects clients to the primary', () => {
    const c = bootstrapped();
    c.request('n2', put('k', 'v', 0), 'r1');
    expect(c.redirects).toEqual([{ node: 'n2', requestId: 'r1', to: 'n1' }]);
  });
});

describe('primary-backup: membership', () => {
  it('a late joiner that knows only one node gets the membership and the state', () => {
    const c = bootstrapped();
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    c.deliver();
    c.start('n4', 'n2'); // knows only n2, which is not the primary
    c.deliver();
    c.settle(6);
    const s4 = c.state('n4');
    expect(s4.status).toBe('member');
    expect(s4.store.data['k']).toEqual(['c1:0']);
    // Once the view that admitted it is active, the primary's voter op makes it a voter on every member.
    for (const id of ['n1', 'n2', 'n3', 'n4']) expect(c.state(id).store.voters).toEqual(['n1', 'n2', 'n3', 'n4']);
    for (const id of ['n1', 'n2', 'n3', 'n4']) {
      expect(c.state(id).view?.members).toEqual(['n1', 'n2', 'n3', 'n4']);
      expect(c.state(id).view?.num).toBe(s4.view?.num);
    }
    // And it takes part in replication from now on.
    c.request('n1', put('k', 'c1:1', 1), 'r2');
    c.deliver();
    expect(c.state('n4').store.data['k']).toEqual(['c1:0', 'c1:1']);
  });

  it('with the no-state-transfer bug, a joiner is admitted with an empty store', () => {
    const c = bootstrapped('no-state-transfer');
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    c.deliver();
    c.start('n4', 'n1');
    c.deliver();
    c.settle(6);
    expect(c.state('n4').status).toBe('member');
    expect(c.state('n4').store.seq).toBe(c.state('n1').store.seq);
    expect(c.state('n4').store.data['k']).toBeUndefined();
  });

  it('a restarted node neither votes with state nor acks until it is readmitted, then gets the state back', () => {
    const c = bootstrapped();
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    c.deliver();
    c.crash('n3');
    c.start('n3');
    expect(c.state('n3').status).toBe('recovering');
    c.queue.length = 0; // hold back its Join for now
    c.queue.push({ from: 'n2', to: 'n3', msg: { type: 'Prepare', ballot: { num: 99, node: 'n2', inc: 1 } } });
    c.queue.push({ from: 'n1', to: 'n3', msg: { type: 'Replicate', view: 1, primaryInc: c.state('n1').incarnation, ops: [] } });
    const sent: Msg[] = [];
    c.deliver((e) => e.from === 'n3' && sent.push(e.msg) > 0);
    // An empty promise (no state: counted only once every founder has answered), no ack.
    expect(sent.filter((m) => m.type !== 'Join')).toEqual([{ type: 'Promise', ballot: { num: 99, node: 'n2', inc: 1 }, nodeInc: c.state('n3').incarnation, snapshot: null }]);
    expect(c.state('n3').store.seq).toBe(0);
    c.settle(40); // the view that readmits it must go above the ballot it promised
    expect(c.state('n3').status).toBe('member');
    expect(c.state('n3').store.data['k']).toEqual(['c1:0']);
    expect(c.state('n3').view?.primary).toBe('n1');
  });
});

describe('primary-backup: a majority of founders restarted', () => {
  const restartTwo = () => {
    const c = bootstrapped();
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    c.deliver();
    expect(c.replies).toHaveLength(1);
    for (const id of ['n2', 'n3']) {
      c.crash(id);
      c.start(id);
    }
    return c;
  };

  it('once every founder has answered, the one with state forms a view that readmits the empty ones', () => {
    const c = restartTwo();
    c.settle(40); // past the suspicion timeout: n1 proposes, n2 and n3 promise empty
    for (const id of ['n2', 'n3']) {
      expect(c.state(id).status, id).toBe('member');
      expect(c.state(id).store.data['k'], id).toEqual(['c1:0']);
      expect(c.state(id).view?.primary, id).toBe('n1');
    }
  });

  it('does not form a view while some founder has not answered', () => {
    const c = restartTwo();
    c.crash('n3');
    c.settle(40);
    expect(c.state('n2').status).toBe('recovering');
    expect(c.state('n1').view?.members).toEqual(['n1', 'n2', 'n3']); // still the old view
  });
});

describe('primary-backup: failover', () => {
  it('when the primary falls silent, the next founder forms a view with every acknowledged write', () => {
    const c = bootstrapped();
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    c.deliver();
    expect(c.replies).toHaveLength(1);
    c.crash('n1');
    c.settle(40); // 2 s: past the suspicion timeout and the stagger
    const s2 = c.state('n2');
    expect(s2.view?.primary).not.toBe('n1');
    const primary = s2.view!.primary;
    expect(c.state(primary).store.data['k']).toEqual(['c1:0']);
    expect(c.state('n3').view).toEqual(s2.view);
    c.request(primary, put('k', 'c2:0', 0), 'r2', 'c2');
    c.deliver();
    expect(c.replies.find((r) => r.requestId === 'r2')?.result).toEqual({ type: 'put-ok' });
  });

  it('a member that hears its primary turns down a view change it does not need', () => {
    const c = bootstrapped();
    c.queue.push({ from: 'n3', to: 'n2', msg: { type: 'Prepare', ballot: { num: 3, node: 'n3', inc: 1 } } });
    c.deliver((e) => e.to === 'n3');
    expect(c.state('n2').promised.num).toBe(1);
  });

  it('a member that promised a newer view refuses the old primary, which then cannot acknowledge', () => {
    const c = bootstrapped();
    // n1 has been silent to n2 for a while; n2 promises a ballot of n3's, n1 does not hear of it.
    c.nowMs += 1_000;
    c.queue.push({ from: 'n3', to: 'n2', msg: { type: 'Prepare', ballot: { num: 3, node: 'n3', inc: 1 } } });
    c.deliver((e) => e.to === 'n3');
    expect(c.state('n2').promised.num).toBe(3);
    c.request('n1', put('k', 'c1:0', 0), 'r1');
    c.deliver((e) => e.to === 'n3');
    expect(c.state('n2').store.data['k']).toBeUndefined();
    expect(c.replies).toEqual([]);
    expect(c.state('n1').maxSeenNum).toBe(3); // it learned of the newer ballot from n2's Stale
  });

  it('with the stale-primary-reads bug, a deposed primary still answers reads from its own store', () => {
    const c = bootstrapped('stale-primary-reads');
    c.request('n1', put('k', 'old', 0), 'r1');
    c.deliver();
    // n1 is cut off: n2 and n3 form a new view without it and commit a newer value.
    const cut = (e: { from: string; to: string }) => e.from === 'n1' || e.to === 'n1';
    c.settle(40, 50, cut);
    const primary = c.state('n2').view!.primary;
    expect(primary).not.toBe('n1');
    c.request(primary, put('k', 'new', 0), 'r2', 'c2');
    c.deliver(cut);
    expect(c.replies.find((r) => r.requestId === 'r2')).toBeDefined();
    c.request('n1', get('k', 1), 'r3');
    expect(c.replies.find((r) => r.requestId === 'r3')?.result).toEqual({ type: 'get-ok', value: 'old' });
  });

  it('without the bug, a deposed primary cannot answer a read', () => {
    const c = bootstrapped();
    c.request('n1', put('k', 'old', 0), 'r1');
    c.deliver();
    const cut = (e: { from: string; to: string }) => e.from === 'n1' || e.to === 'n1';
    c.settle(40, 50, cut);
    c.request('n1', get('k', 1), 'r3');
    c.deliver(cut);
    expect(c.replies.find((r) => r.requestId === 'r3')).toBeUndefined();
  });
});

describe('primary-backup: ballots', () => {
  it('deals view numbers out round-robin, so a number names its founder', () => {
    expect(ballotAbove(0, 0, 5)).toBe(1);
    expect(ballotAbove(1, 0, 5)).toBe(6);
    expect(ballotAbove(0, 2, 5)).toBe(3);
    expect(ballotAbove(3, 2, 5)).toBe(8);
    expect(ballotAbove(7, 2, 5)).toBe(8);
    expect(ballotAbove(8, 2, 5)).toBe(13);
    for (let floor = 0; floor < 40; floor++)
      for (let i = 0; i < 5; i++) {
        const n = ballotAbove(floor, i, 5);
        expect(n).toBeGreaterThan(floor);
        expect((n - 1) % 5).toBe(i);
        expect(n - 5).toBeLessThanOrEqual(floor);
      }
  });
});
