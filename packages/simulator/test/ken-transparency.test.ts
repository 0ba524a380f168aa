import { describe, expect, it } from 'vitest';
import { TransparencyChecker } from '../src/ken-transparency.ts';

const send = (node: string, to: string, seq: number, msg: unknown = { n: seq }) => ({ kind: 'release-send', node, to, seq, msg }) as const;
const deliver = (node: string, from: string, seq: number, record: number, msg: unknown = { n: seq }) =>
  ({ kind: 'app-deliver', node, from, seq, msg, record }) as const;
const request = (node: string, requestId: string, record: number) => ({ kind: 'app-request', node, requestId, record }) as const;
const reply = (node: string, requestId: string, result: unknown, cached = false) => ({ kind: 'release-reply', node, requestId, result, cached }) as const;

function checker(nowMs = 0, requestCacheMax = 100) {
  return new TransparencyChecker(() => nowMs, requestCacheMax);
}
const up = () => true;
const never = () => false;
const held = () => true;

describe('the Ken transparency checker', () => {
  it('accepts exactly-once, in-order delivery of what was released', () => {
    const c = checker();
    expect(c.observe(send('n1', 'n2', 1))).toBeUndefined();
    expect(c.observe(send('n1', 'n2', 2))).toBeUndefined();
    expect(c.observe(send('n1', 'n2', 2))).toBeUndefined(); // a retransmission of the same message
    expect(c.observe(deliver('n2', 'n1', 1, 10))).toBeUndefined();
    expect(c.observe(deliver('n2', 'n1', 2, 11))).toBeUndefined();
    expect(c.lost(up, never, never)).toBeUndefined();
  });

  it('reports an orphan: a message handled that its sender never released', () => {
    expect(checker().observe(deliver('n2', 'n1', 1, 5))).toMatch(/never released \(an orphan\)/);
  });

  it('reports a message handled with other content than released', () => {
    const c = checker();
    c.observe(send('n1', 'n2', 1, { v: 'a' }));
    expect(c.observe(deliver('n2', 'n1', 1, 5, { v: 'b' }))).toMatch(/as \{"v":"b"\}, but n1 released \{"v":"a"\}/);
  });

  it('reports a message released twice with different contents', () => {
    const c = checker();
    c.observe(send('n1', 'n2', 1, 'x'));
    expect(c.observe(send('n1', 'n2', 1, 'y'))).toMatch(/twice with different contents/);
  });

  it('reports a duplicate and a gap', () => {
    const c = checker();
    for (const s of [1, 2, 3]) c.observe(send('n1', 'n2', s));
    c.observe(deliver('n2', 'n1', 1, 1));
    expect(c.observe(deliver('n2', 'n1', 1, 2))).toMatch(/#1 from n1 a second time/);
    expect(c.observe(deliver('n2', 'n1', 3, 2))).toMatch(/#3 from n1 before #2/);
  });

  it("undoes only the crashed node's deliveries whose records were lost", () => {
    const c = checker();
    for (const s of [1, 2]) {
      c.observe(send('n1', 'n2', s));
      c.observe(send('n1', 'n3', s));
    }
    c.observe(deliver('n2', 'n1', 1, 7));
    c.observe(deliver('n2', 'n1', 2, 8));
    c.observe(deliver('n3', 'n1', 1, 7));
    c.observe(deliver('n3', 'n1', 2, 8));
    c.crashed('n2', 7); // record 8 was not durable: n2 must handle #2 again
    expect(c.observe(deliver('n2', 'n1', 2, 8))).toBeUndefined();
    expect(c.observe(deliver('n3', 'n1', 2, 9))).toMatch(/#2 from n1 a second time/); // n3 did not crash
  });

  it('keeps links apart even when node ids contain spaces', () => {
    const c = checker();
    c.observe(send('n1', 'y', 1));
    c.observe(send('n1', 'x y', 1));
    c.observe(deliver('y', 'n1', 1, 3));
    c.observe(deliver('x y', 'n1', 1, 3));
    c.crashed('y', 0);
    expect(c.observe(deliver('x y', 'n1', 1, 4))).toMatch(/a second time/);
    expect(c.observe(deliver('y', 'n1', 1, 4))).toBeUndefined();
  });

  it('reports a request run again after its answer was released, unless the cache has forgotten it', () => {
    const c = checker(0, 3);
    expect(c.observe(request('n1', 'c1:1', 4))).toBeUndefined();
    expect(c.observe(reply('n1', 'c1:1', 5))).toBeUndefined();
    expect(c.observe(request('n1', 'c1:1', 6))).toMatch(/ran request c1:1 again after it had released its answer 5/);
    // After a crash that lost the turn which ran it (its reply was never released), it may run again.
    expect(c.observe(request('n1', 'c1:2', 7))).toBeUndefined();
    c.crashed('n1', 6);
    expect(c.observe(request('n1', 'c1:2', 7))).toBeUndefined();
    // Once three more ids have come along, the cache (of 3) no longer remembers c1:1.
    for (const id of ['c1:3', 'c1:4']) c.observe(request('n1', id, 8));
    expect(c.observe(request('n1', 'c1:1', 9))).toBeUndefined();
  });

  it("reports a retry answered from the cache with other than the node's released answer", () => {
    const c = checker();
    expect(c.observe(reply('n1', 'c1:1', 5))).toBeUndefined();
    expect(c.observe(reply('n1', 'c1:1', 5, true))).toBeUndefined();
    expect(c.observe(reply('n1', 'c1:1', 6, true))).toMatch(/answered a retry of request c1:1 with 6, but its answer had been 5/);
    // A durable answer that a crash kept from going out is first released from the cache.
    expect(c.observe(reply('n2', 'c1:1', 6, true))).toBeUndefined();
    expect(c.observe(reply('n2', 'c1:1', 8, true))).toMatch(/with 8, but its answer had been 6/);
    // The app itself may answer a request it never ran (forwarded to it) more than once.
    expect(c.observe(reply('n1', 'c1:1', 7))).toBeUndefined();
    expect(c.observe(reply('n1', 'c1:1', 7, true))).toBeUndefined();
  });

  it('at the end, tells a message in flight from a lost or stuck one, and skips receivers that are down', () => {
    const c = checker(100);
    c.observe(send('n1', 'n2', 1));
    c.observe(send('n1', 'n2', 2));
    c.observe(deliver('n2', 'n1', 1, 1));
    expect(c.lost(up, never, held)).toBeUndefined(); // #2 is still being resent and not overdue
    expect(c.lost(up, never, never)).toMatch(/never handled message #2 from n1 .* no longer holds it/);
    expect(c.lost(up, (_f, _t, atMs) => atMs === 100, held)).toMatch(/still has not handled message #2 from n1, released at 100 ms/);
    expect(c.lost((id) => id !== 'n2', () => true, never)).toBeUndefined();
  });
});
