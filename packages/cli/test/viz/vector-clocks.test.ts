import { happenedBefore, vectorClocks, type TraceRecord } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { laneOf } from '../../src/viz/lanes.ts';
import { isReceive, isSend } from '../../src/viz/messages.ts';
import { caughtBugRun } from './caught-bug.ts';

const rec = (r: Record<string, unknown>, i: number): TraceRecord => ({ i, t: i, ...r }) as unknown as TraceRecord;

describe('vector clocks', () => {
  it('count each lane\'s events and merge the send\'s clock on receipt', () => {
    const trace = [
      rec({ k: 'start', node: 'n1', incarnation: 1 }, 1),
      rec({ k: 'start', node: 'n2', incarnation: 1 }, 2),
      rec({ k: 'send', node: 'n1', to: 'n2', m: 1, msg: 'a' }, 2),
      rec({ k: 'dup', from: 'n1', to: 'n2', m: 1 }, 2),
      rec({ k: 'deliver', from: 'n1', to: 'n2', m: 1 }, 3),
      rec({ k: 'deliver', from: 'n1', to: 'n2', m: 1 }, 4),
      rec({ k: 'quiesce' }, 5),
    ];
    const c = vectorClocks(trace);
    expect(c).toEqual([{ n1: 1 }, { n2: 1 }, { n1: 2 }, { n1: 3 }, { n2: 2, n1: 2 }, { n2: 3, n1: 2 }, undefined]);
    expect(happenedBefore(c[2]!, c[4]!)).toBe(true);
    expect(happenedBefore(c[4]!, c[2]!)).toBe(false);
    expect(happenedBefore(c[1]!, c[2]!) || happenedBefore(c[2]!, c[1]!)).toBe(false); // concurrent
    expect(happenedBefore(c[4]!, c[4]!)).toBe(false);
  });

  it('do not merge a message dropped on arrival, and carry on across a crash and restart', () => {
    const trace = [
      rec({ k: 'send', node: 'n1', to: 'n2', m: 1, msg: 'a' }, 1),
      rec({ k: 'fault', fault: { atMs: 2, kind: 'crash', node: 'n2' } }, 2),
      rec({ k: 'drop', from: 'n1', to: 'n2', m: 1, reason: 'down' }, 3),
      rec({ k: 'fault', fault: { atMs: 4, kind: 'restart', node: 'n2' } }, 4),
      rec({ k: 'start', node: 'n2', incarnation: 2 }, 4),
    ];
    expect(vectorClocks(trace)).toEqual([{ n1: 1 }, { n2: 1 }, { n2: 2 }, { n2: 3 }, { n2: 4 }]);
  });

  it('order every receipt after its send, on a real run with drops, duplicates and crashes', () => {
    const trace = caughtBugRun().trace!;
    const clocks = vectorClocks(trace);
    const sentAt = new Map<number, number>();
    const own = new Map<string, number>();
    let receipts = 0;
    trace.forEach((r, k) => {
      const lane = laneOf(r);
      if (lane === undefined) return expect(clocks[k]).toBeUndefined();
      const clock = clocks[k]!;
      // A lane's own entry goes up by exactly one per event, which ShiViz also requires.
      expect(clock[lane]).toBe((own.get(lane) ?? 0) + 1);
      own.set(lane, clock[lane]!);
      if (isSend(r)) sentAt.set(r.m, k);
      if (isReceive(r)) {
        receipts++;
        expect(happenedBefore(clocks[sentAt.get(r.m)!]!, clock)).toBe(true);
      }
    });
    expect(receipts).toBeGreaterThan(100);
  });
});
