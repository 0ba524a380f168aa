import { describe, expect, it } from 'vitest';
import { causalSlice, simulate, type FaultEvent, type TraceRecord } from '../src/index.ts';
import { neededOperations, sliceCut, slicedPlan } from '../src/shrink-slice.ts';
import { amnesia } from './fixtures/amnesia.ts';
import { startedShrink } from './fixtures/shrink-start.ts';

const at = (i: number, body: Record<string, unknown>) => ({ i, t: i, ...body }) as unknown as TraceRecord;

describe('neededOperations', () => {
  it("counts each client's operations up to the last the slice names, and none of a client it does not name", () => {
    const trace = [
      at(0, { k: 'invoke', client: 'c1', id: 'c1:1', req: 'inc' }),
      at(1, { k: 'invoke', client: 'c2', id: 'c2:1', req: 'inc' }),
      at(2, { k: 'request', node: 'n1', client: 'c1', id: 'c1:1', m: 1 }),
      at(3, { k: 'invoke', client: 'c1', id: 'c1:2', req: 'inc' }),
      at(4, { k: 'reply', node: 'n1', client: 'c1', id: 'c1:2', result: 2, m: 2 }),
      at(5, { k: 'invoke', client: 'c1', id: 'c1:3', req: 'inc' }),
    ];
    expect(neededOperations(trace, [2, 4])).toEqual(new Map([['c1', 2], ['c2', 0]]));
    expect(neededOperations(trace, [])).toEqual(new Map([['c1', 0], ['c2', 0]]));
  });
});

describe('slicedPlan', () => {
  it('keeps a fault unit when any of its events is in the slice, and drops the rest whole', () => {
    const plan: FaultEvent[] = [
      { atMs: 10, kind: 'crash', node: 'n2' },
      { atMs: 5, kind: 'crash', node: 'n1' },
      { atMs: 20, kind: 'restart', node: 'n1' },
      { atMs: 30, kind: 'restart', node: 'n2' },
    ];
    const trace = [at(0, { k: 'fault', fault: plan[1] }), at(1, { k: 'fault', fault: plan[0] }), at(2, { k: 'fault', fault: plan[2] })];
    // Only n1's restart is in the slice: its crash goes with it, n2's unit goes.
    expect(slicedPlan(plan, trace, [2])).toEqual([plan[1], plan[2]]);
    expect(slicedPlan(plan, trace, [])).toEqual([]);
  });
});

describe('sliceCut', () => {
  it("cuts what the best run's slice does not need in a few runs, and the result replays", () => {
    const protocol = amnesia();
    const first = simulate({ protocol, seed: 7, recordChoices: true, trace: 'full' });
    const s = startedShrink(protocol, 7, 'increasing', {}, first);
    // The run has faults and operations its violation does not depend on.
    const slice = causalSlice(first.trace!)!;
    expect(slicedPlan(first.plan, first.trace!, slice.records).length).toBeLessThan(first.plan.length);
    sliceCut(s, { protocol });
    expect(s.runs).toBeLessThanOrEqual(1 + 3 + 3 + 2);
    expect(s.best.result.violation?.property).toBe('increasing');
    expect(s.best.result.events).toBeLessThan(first.events);
    expect(s.best.scenario.faultPlan!.length).toBeLessThan(first.plan.length);
    const replayed = simulate({ protocol, seed: 7, scenario: s.best.scenario, choices: s.best.choices, trace: 'none' });
    expect(replayed.events).toBe(s.best.result.events);
    expect(replayed.violation?.property).toBe('increasing');
  });

  it('leaves out a late joiner with no record in the slice, with the faults that name it', () => {
    const protocol = amnesia();
    const scenario = { nodes: [{ id: 'n1' }, { id: 'n2' }, { id: 'n3', joinAtMs: 50, contacts: ['n1'] }] };
    const first = simulate({ protocol, seed: 7, scenario, recordChoices: true, trace: 'none' });
    const s = startedShrink(protocol, 7, 'increasing', scenario, first);
    expect(JSON.stringify(first.plan)).toContain('"n3"');
    sliceCut(s, { protocol });
    expect((s.best.scenario.nodes as { id: string }[]).map((n) => n.id)).toEqual(['n1', 'n2']);
    expect(JSON.stringify(s.best.scenario.faultPlan)).not.toContain('"n3"');
    expect(s.best.result.violation?.property).toBe('increasing');
  });
});
