import { describe, expect, it } from 'vitest';
import { planOldView } from './flush-plan.ts';
import type { AppMsg, FlushReport, Ordered } from './messages.ts';

const msg = (sender: string, n: number, service: AppMsg['service'] = 'agreed'): AppMsg => ({
  id: `${sender}.1.${n}`,
  op: 'mcast',
  groups: ['g'],
  sender,
  inc: 1,
  n,
  seen: 0,
  service,
  payload: `${sender}:${n}`,
  requestId: `r-${sender}-${n}`,
});
const ord = (gseq: number, m: AppMsg): Ordered => ({ gseq, msg: m });

function report(node: string, delivered: number, held: Ordered[], unordered: AppMsg[] = []): FlushReport {
  return { member: { node, inc: 1 }, view: 'V', delivered, held, unordered, groups: [] };
}

describe('group-communication: the flush plan of an old view', () => {
  const a1 = msg('a', 1);
  const b1 = msg('b', 1);
  const a2 = msg('a', 2, 'safe');
  const c1 = msg('c', 1);

  it('pools what the members hold and delivers up to the first gap, from the least delivered position', () => {
    const plan = planOldView('V', [report('a', 1, [ord(1, a1), ord(2, b1)]), report('b', 3, [ord(2, b1), ord(3, a2), ord(5, c1)])]);
    expect(plan.upTo).toBe(3); // 4 is held by no one, so 5 is dropped by everyone
    expect(plan.ordered.map((o) => o.gseq)).toEqual([2, 3]);
    expect(plan.trans).toEqual(['a', 'b']);
  });

  it("appends the members' own messages that were not ordered up to the gap, by sender and number, without repeating ordered ones", () => {
    const plan = planOldView('V', [
      report('c', 1, [ord(1, a1), ord(5, c1)], [c1]), // c1 was ordered at 5, past the gap: appended
      report('a', 1, [ord(1, a1), ord(2, a2)], [a2, msg('a', 3)]), // a2 is in the pooled prefix
    ]);
    expect(plan.ordered.map((o) => o.msg.id)).toEqual([a2.id]);
    expect(plan.appended.map((m) => m.id)).toEqual(['a.1.3', c1.id]);
  });

  it('a member alone delivers what it holds in order and then its own messages', () => {
    const plan = planOldView('V', [report('a', 0, [ord(1, b1), ord(2, a1)], [a1, a2])]);
    expect(plan.ordered.map((o) => o.msg.id)).toEqual([b1.id, a1.id]);
    expect(plan.appended.map((m) => m.id)).toEqual([a2.id]);
  });
});
