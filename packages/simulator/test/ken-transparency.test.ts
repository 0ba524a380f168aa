import { describe, expect, it } from 'vitest';
import { TransparencyChecker } from '../src/ken-transparency.ts';

const send = (node: string, to: string, seq: number, msg: unknown = { n: seq }) => ({ kind: 'release-send', node, to, seq, msg }) as const;
const deliver = (node: string, from: string, seq: number, record: number, msg: unknown = { n: seq }) =>
  ({ kind: 'app-deliver', node, from, seq, msg, record }) as const;
const reply = (node: string, requestId: string, result: unknown, cached = false) => ({ kind: 'release-reply', node, requestId, result, cached }) as const;

function checker(nowMs = 0) {
  return new TransparencyChecker(() => nowMs);
}
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
    expect(c.lost(never, never)).toBeUndefined();
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

  it('undoes deliveries whose records a crash lost, so they may (and must) happen again', () => {
    const c = checker();
    for (const s of [1, 2]) c.observe(send('n1', 'n2', s));
    c.observe(deliver('n2', 'n1', 1, 7));
    c.observe(deliver('n2', 'n1', 2, 8));
    c.crashed('n2', 7); // record 8 was not durable
    expect(c.observe(deliver('n2', 'n1', 2, 8))).toBeUndefined();
    c.crashed('n3', 0); // another node's crash changes nothing for n2
    expect(c.observe(deliver('n2', 'n1', 3, 9))).toMatch(/never released/);
  });

  it("reports a retry answered from the cache with other than the node's released answer", () => {
    const c = checker();
    expect(c.observe(reply('n1', 'c1:1', 5))).toBeUndefined();
    expect(c.observe(reply('n1', 'c1:1', 5, true))).toBeUndefined();
    expect(c.observe(reply('n1', 'c1:1', 6, true))).toMatch(/answered a retry of request c1:1 with 6, but its answer had been 5/);
    expect(c.observe(reply('n2', 'c1:1', 6, true))).toMatch(/an answer it never released/);
    // The app itself may run a request twice (forwarded by two nodes, say) and answer anew.
    expect(c.observe(reply('n1', 'c1:1', 7))).toBeUndefined();
    expect(c.observe(reply('n1', 'c1:1', 7, true))).toBeUndefined();
  });

  it('at the end, tells a message in flight from a lost or stuck one', () => {
    const c = checker(100);
    c.observe(send('n1', 'n2', 1));
    c.observe(send('n1', 'n2', 2));
    c.observe(deliver('n2', 'n1', 1, 1));
    expect(c.lost(never, held)).toBeUndefined(); // #2 is still being resent and not overdue
    expect(c.lost(never, () => false)).toMatch(/never handled message #2 from n1 .* no longer holds it/);
    expect(c.lost((t) => t === 100, held)).toMatch(/still has not handled message #2 from n1, released at 100 ms/);
  });
});
