import { describe, expect, it } from 'vitest';
import { CheckModel, check, statesAlong } from '../../src/index.ts';
import { SUSPECT_TICKS, chainReconfig } from './fixtures/chain-reconfig.ts';

const ticks = (path: readonly { label: string }[]) => path.filter((c) => c.label.startsWith('timer ')).length;

describe('chain replication with a failure detector (issue 17)', () => {
  it('the reconfiguration bug, which needs 7 timer ticks, is found within the default budget, by a path that replays to it', () => {
    const bug = 'no-resend-on-reconfig';
    const r = check({ protocol: chainReconfig, bug, depth: 30, walks: 0 });
    expect(r.violation).toMatchObject({ property: 'chain-prefix', depth: SUSPECT_TICKS + 2, foundBy: 'search' });
    expect(ticks(r.violation!.path)).toBe(SUSPECT_TICKS);
    expect(r.coverage).not.toBe('budget');
    const model = new CheckModel({ protocol: chainReconfig, bug });
    const { states } = statesAlong(model, r.violation!.path);
    expect(model.failing(states.at(-1)!, model.always, 'running')?.property).toBe('chain-prefix');
    expect(model.failing(states.at(-2)!, model.always, 'running')).toBeUndefined();
  });

  it('one tick short of the suspicion, the bug is out of reach', () => {
    expect(check({ protocol: chainReconfig, bug: 'no-resend-on-reconfig', depth: SUSPECT_TICKS + 1, walks: 0 }).ok).toBe(true);
  });

  it('the correct chain, whose liveness relies on Ken retransmitting, passes at depth 8 with walks, under the Ken model', () => {
    const r = check({ protocol: chainReconfig, depth: 8 });
    expect(r.model).toMatch(/^Ken: reliable FIFO links/);
    expect(r).toMatchObject({ ok: true, coverage: 'complete', violation: undefined, walks: { run: 100, failed: 0 } });
  });

  it('the same code on a lossy network fails: a dropped update leaves a gap down the chain', () => {
    const r = check({ protocol: { ...chainReconfig, ken: false, faults: ['drop'] }, depth: 8 });
    expect(r.ok).toBe(false);
    expect(r.violation?.property).toBe('chain-prefix');
    expect(r.violation!.path.some((c) => c.label.startsWith('drop '))).toBe(true);
  });
});
