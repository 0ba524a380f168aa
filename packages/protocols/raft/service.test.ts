import { describe, expect, it } from 'vitest';
import type { Entry } from './messages.ts';
import { RaftTestCluster } from './testkit.ts';

const IDS = ['n1', 'n2', 'n3'];
const noop = (term: number): Entry => ({ term, cmd: { kind: 'noop' } });

function elect(c: RaftTestCluster, id = 'n1'): void {
  c.fire(id, 'election');
  c.deliverAll();
}

describe('Raft, driven by hand', () => {
  it('elects the first candidate, which commits a no-op of its term on a majority', () => {
    const c = new RaftTestCluster(IDS);
    elect(c);
    expect(c.state('n1').role).toBe('leader');
    expect(c.state('n1').currentTerm).toBe(1);
    expect(c.state('n1').commitIndex).toBe(1);
    expect(c.state('n2')).toMatchObject({ role: 'follower', leaderId: 'n1', votedFor: 'n1', log: [noop(1)] });
    c.fire('n1', 'heartbeat');
    c.deliverAll();
    expect(IDS.map((id) => c.state(id).commitIndex)).toEqual([1, 1, 1]);
  });

  it('answers a put once it is committed, redirects from a follower, and answers a retry from the session', () => {
    const c = new RaftTestCluster(IDS);
    elect(c);
    c.request('n2', { type: 'put', key: 'a', value: 'x', seq: 0 }, 'c1:0');
    expect(c.redirects).toEqual([{ node: 'n2', requestId: 'c1:0', to: 'n1' }]);
    c.request('n1', { type: 'put', key: 'a', value: 'x', seq: 0 }, 'c1:0');
    expect(c.replies).toEqual([]);
    c.deliverAll();
    expect(c.replies).toEqual([{ node: 'n1', requestId: 'c1:0', result: { type: 'put-ok' } }]);
    c.request('n1', { type: 'put', key: 'a', value: 'x', seq: 0 }, 'c1:0');
    expect(c.replies).toHaveLength(2);
    expect(c.state('n1').log).toHaveLength(2);
    c.request('n1', { type: 'get', key: 'a', seq: 1 }, 'c1:1');
    c.deliverAll();
    expect(c.replies[2]).toEqual({ node: 'n1', requestId: 'c1:1', result: { type: 'get-ok', value: 'x' } });
  });

  it('a node that does not know the leader holds a request and hands it over once it does', () => {
    const c = new RaftTestCluster(IDS);
    c.request('n3', { type: 'get', key: 'a', seq: 0 }, 'c2:0', 'c2');
    expect(c.redirects).toEqual([]);
    elect(c);
    c.fire('n1', 'heartbeat');
    c.deliverAll();
    expect(c.redirects).toEqual([{ node: 'n3', requestId: 'c2:0', to: 'n1' }]);
  });

  it('refuses its vote to a candidate whose log is less up-to-date (and grants it with vote-without-log-check)', () => {
    for (const bug of [undefined, 'vote-without-log-check'] as const) {
      const c = new RaftTestCluster(IDS, bug);
      c.patch('n2', { currentTerm: 2, log: [noop(1), noop(2)] });
      c.patch('n3', { currentTerm: 2, log: [noop(1), noop(2)] });
      c.patch('n1', { currentTerm: 2, log: [noop(1)] });
      elect(c);
      expect(c.state('n1').currentTerm).toBe(3);
      expect(c.state('n1').role).toBe(bug === undefined ? 'candidate' : 'leader');
    }
  });

  it('does not commit an entry of an earlier term by counting its replicas (Figure 8), unless commit-old-term', () => {
    for (const bug of [undefined, 'commit-old-term'] as const) {
      const c = new RaftTestCluster(IDS, bug);
      c.patch('n1', {
        currentTerm: 4,
        role: 'leader',
        leaderId: 'n1',
        log: [noop(1), noop(2), noop(4)],
        commitIndex: 1,
        lastApplied: 1,
        leader: { nextIndex: { n2: 3, n3: 2 }, matchIndex: { n2: 1, n3: 1 } },
      });
      c.run('n1', { kind: 'message', from: 'n2', msg: { type: 'AppendResult', term: 4, success: true, matchIndex: 2, hint: 0 } });
      expect(c.state('n1').commitIndex).toBe(bug === undefined ? 1 : 2);
      c.run('n1', { kind: 'message', from: 'n2', msg: { type: 'AppendResult', term: 4, success: true, matchIndex: 3, hint: 0 } });
      expect(c.state('n1').commitIndex).toBe(3);
    }
  });

  it('a follower cuts off a conflicting suffix and commits no further than what the leader vouched for', () => {
    const c = new RaftTestCluster(IDS);
    c.patch('n2', { currentTerm: 3, log: [noop(1), noop(2), noop(2)] });
    c.run('n2', {
      kind: 'message',
      from: 'n1',
      msg: { type: 'AppendEntries', term: 3, prevIndex: 1, prevTerm: 1, entries: [noop(3)], leaderCommit: 5 },
    });
    expect(c.state('n2').log).toEqual([noop(1), noop(3)]);
    expect(c.state('n2').commitIndex).toBe(2);
    expect(c.queue.at(-1)).toEqual({ from: 'n2', to: 'n1', msg: { type: 'AppendResult', term: 3, success: true, matchIndex: 2, hint: 0 } });
  });
});
