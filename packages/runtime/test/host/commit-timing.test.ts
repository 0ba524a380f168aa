import { describe, expect, it } from 'vitest';
import { CommitTiming } from '../../src/host/commit-timing.ts';

describe('commit timing', () => {
  it('charges each input the wait from its run to the end of the flush that covers it, and to that flush\'s start', () => {
    let now = 0;
    const t = new CommitTiming(() => now);
    t.input(); // at 0
    now = 2;
    t.input(); // at 2
    now = 3;
    t.flushBegins(); // covers both
    now = 5;
    t.input(); // at 5: waits for the next flush, not this one
    now = 13;
    t.flushDone();
    expect(t.totals).toMatchObject({ flushes: 1, flushMs: 10, inputsCommitted: 2, commitWaitMs: 13 + 11, queueMs: 3 + 1 });
    t.flushBegins();
    now = 20;
    t.flushDone();
    expect(t.totals).toMatchObject({ flushes: 2, flushMs: 17, inputsCommitted: 3, commitWaitMs: 24 + 15, queueMs: 4 + 8 });
  });

  it('times a request from its first arrival to its reply, once', () => {
    let now = 100;
    const t = new CommitTiming(() => now);
    t.request('c/1');
    now = 104;
    t.request('c/1'); // a retry
    now = 107;
    t.reply('c/1');
    t.reply('c/1'); // a second reply (a cached answer) is not timed again
    t.reply('c/2'); // never seen here
    expect(t.totals).toMatchObject({ repliesTimed: 1, replyMs: 7 });
  });
});
