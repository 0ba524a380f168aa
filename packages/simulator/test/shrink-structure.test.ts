import { describe, expect, it } from 'vitest';
import { ConfigError, simulate, type FaultEvent } from '../src/index.ts';
import { ShrinkState } from '../src/shrink-state.ts';
import { shrinkNodes } from '../src/shrink-scenario.ts';
import { capClients, dropLateJoiners, skipFirstOperations, skipLaterOperations, withoutNode, withoutOperation } from '../src/shrink-structure.ts';
import { amnesia } from './fixtures/amnesia.ts';

/** A shrink state whose best run is seed 7 of the fixture with its plan made explicit (as `shrink` starts). */
function stateFor(protocol: ReturnType<typeof amnesia>, scenario: Parameters<typeof simulate>[0]['scenario'] = {}) {
  const first = simulate({ protocol, seed: 7, scenario, recordChoices: true, trace: 'none' });
  const s = new ShrinkState({ protocol, seed: 7 }, undefined, 'increasing', { maxRuns: 200, deadline: Infinity, clock: undefined, onRun: () => {} });
  s.original = { events: first.events, faults: first.plan.length, requests: first.history.length };
  s.best = { scenario: { ...scenario, faults: [], faultPlan: first.plan }, choices: first.choices!, result: first };
  return s;
}

describe('workload.clientRequests', () => {
  it('caps one client and leaves the others and an unreached cap alone', () => {
    const protocol = amnesia();
    const base = simulate({ protocol, seed: 1, trace: 'hash' });
    const capped = simulate({ protocol, seed: 1, scenario: { workload: { clientRequests: { c1: 0, c2: 2 } } }, trace: 'none' });
    expect(capped.history.filter((o) => o.client === 'c1')).toHaveLength(0);
    expect(capped.history.filter((o) => o.client === 'c2')).toHaveLength(2);
    expect(capped.history.filter((o) => o.client === 'c3').length).toBeGreaterThan(2);
    const unreached = simulate({ protocol, seed: 1, scenario: { workload: { clientRequests: { c1: 1e6 } } }, trace: 'hash' });
    expect(unreached.traceHash).toBe(base.traceHash);
  });

  it('rejects a cap that is not a count', () => {
    const run = (clientRequests: unknown) => () =>
      simulate({ protocol: amnesia(), seed: 1, scenario: { workload: { clientRequests: clientRequests as { [c: string]: number } } }, trace: 'none' });
    expect(run({ c1: -1 })).toThrow(ConfigError);
    expect(run({ c1: 1.5 })).toThrow(/clientRequests\.c1 must be an integer >= 0/);
    expect(run([1])).toThrow(/clientRequests must be an object/);
  });
});

describe('workload.clientDelayMs', () => {
  it("delays a client's operation n and leaves its others and the other clients alone; 0 changes nothing", () => {
    const protocol = amnesia();
    const base = simulate({ protocol, seed: 1, trace: 'hash' });
    const invokes = (r: typeof base, c: string) => r.history.filter((o) => o.client === c).map((o) => o.invokeMs);
    const later = simulate({ protocol, seed: 1, scenario: { workload: { clientDelayMs: { c1: { 0: 300 } } } }, trace: 'none' });
    expect(invokes(later, 'c1')[0]! - invokes(base, 'c1')[0]!).toBeCloseTo(300, 6);
    expect(invokes(later, 'c2')[0]).toBe(invokes(base, 'c2')[0]);
    const third = simulate({ protocol, seed: 1, scenario: { workload: { clientDelayMs: { c1: { 2: 120 } } } }, trace: 'none' });
    expect(invokes(third, 'c1').slice(0, 2)).toEqual(invokes(base, 'c1').slice(0, 2));
    expect(invokes(third, 'c1')[2]! - invokes(third, 'c1')[1]!).toBeGreaterThanOrEqual(120);
    expect(simulate({ protocol, seed: 1, scenario: { workload: { clientDelayMs: { c1: { 0: 0, 3: 0 } } } }, trace: 'hash' }).traceHash).toBe(base.traceHash);
  });

  it('rejects delays that are not ms per operation number', () => {
    const run = (clientDelayMs: unknown) => () =>
      simulate({ protocol: amnesia(), seed: 1, scenario: { workload: { clientDelayMs: clientDelayMs as { [c: string]: { [op: string]: number } } } }, trace: 'none' });
    expect(run({ c1: { 0: -1 } })).toThrow(ConfigError);
    expect(run({ c1: { 0: 'soon' } })).toThrow(/clientDelayMs\.c1\.0 must be a number of ms >= 0/);
    expect(run({ c1: { first: 5 } })).toThrow(/"first" is not an operation number/);
    expect(run({ c1: 250 })).toThrow(/must map client ids to objects of operation numbers/);
    expect(run([1])).toThrow(/must map client ids/);
  });

  it("records the spans of its client's streams each operation drew, in order: its request's, its links' until the next operation, its nodes' turns", () => {
    const r = simulate({ protocol: amnesia(), seed: 1, recordChoices: true, trace: 'none' });
    for (const c of ['c1', 'c2']) {
      const mine = r.history.filter((o) => o.client === c);
      expect(mine.length).toBeGreaterThan(1);
      const spans = mine.map((o) => r.operationDraws![o.id]!);
      const requests = spans.map((d) => d[`workload/${c}`]![0]!);
      for (let k = 1; k < requests.length; k++) expect(requests[k]![0]).toBeGreaterThanOrEqual(requests[k - 1]![1]);
      expect(requests.at(-1)![1]).toBeLessThanOrEqual(r.choices![`workload/${c}`]!.length);
      // Each link of the client: the operations' spans follow one another without a gap, from its first draw.
      const links = Object.keys(r.choices!).filter((l) => l.startsWith(`network/${c}>`) || l.endsWith(`>${c}`));
      expect(links.length).toBeGreaterThan(0);
      for (const l of links) {
        const on = spans.flatMap((d) => d[l] ?? []);
        expect(on[0]![0]).toBe(0);
        for (let k = 1; k < on.length; k++) expect(on[k]![0]).toBe(on[k - 1]![1]);
      }
      // Only the client's own streams, and the nodes' disks and random draws.
      for (const d of spans) for (const l of Object.keys(d)) expect(l === `workload/${c}` || links.includes(l) || /^(disk|node)\/n\d+$/.test(l)).toBe(true);
      expect(Object.keys(spans.at(-1)!)).toEqual([`workload/${c}`]);
    }
    expect(simulate({ protocol: amnesia(), seed: 1, trace: 'none' }).operationDraws).toBeUndefined();
  });

  it("moves the later delays down one place when an operation is left out, and gives its place the wait", () => {
    const scenario = { workload: { clientDelayMs: { c1: { 0: 5, 2: 7, 3: 9, 5: 11 }, c2: { 1: 3 } } } };
    expect(withoutOperation(scenario, 'c1', 2, 0).workload?.clientDelayMs).toEqual({ c1: { 0: 5, 2: 7, 4: 11 }, c2: { 1: 3 } });
    expect(withoutOperation(scenario, 'c1', 2, 40.5).workload?.clientDelayMs).toEqual({ c1: { 0: 5, 2: 47.5, 4: 11 }, c2: { 1: 3 } });
    expect(withoutOperation(scenario, 'c2', 0, 0).workload?.clientDelayMs).toEqual({ c1: { 0: 5, 2: 7, 3: 9, 5: 11 } });
  });
});

describe('capClients and dropLateJoiners', () => {
  it('silences the clients a failure does not need and keeps one that it does', () => {
    const s = stateFor(amnesia());
    const before = s.best.result;
    capClients(s);
    const caps = s.best.scenario.workload?.clientRequests ?? {};
    expect(s.best.result.violation?.property).toBe('increasing');
    expect(s.best.result.events).toBeLessThan(before.events);
    // Two operations of some client are the least that can show a smaller count after a larger one.
    expect(s.best.result.history.length).toBeGreaterThanOrEqual(2);
    expect(Object.values(caps).some((n) => n === 0)).toBe(true);
    const replayed = simulate({ protocol: amnesia(), seed: 7, scenario: s.best.scenario, choices: s.best.choices, trace: 'none' });
    expect(replayed.events).toBe(s.best.result.events);
  });

  it('leaves a late joiner out with the faults that name it', () => {
    const nodes = [{ id: 'n1' }, { id: 'n2' }, { id: 'n3', joinAtMs: 50, contacts: ['n1'] }];
    const s = stateFor(amnesia(), { nodes });
    dropLateJoiners(s, { protocol: amnesia() });
    expect((s.best.scenario.nodes as { id: string }[]).map((n) => n.id)).toEqual(['n1', 'n2']);
    expect(JSON.stringify(s.best.scenario.faultPlan)).not.toContain('n3');
  });
});

describe('skipLaterOperations', () => {
  const draws = (spans: Record<string, [number, number]>) => Object.fromEntries(Object.entries(spans).map(([id, span]) => [id, { 'workload/c1': [span] }]));

  it("deletes exactly an operation's draws, never the start draw, with its cap one lower: first in the next one's place, then at the next one's own time; then two and three at once", () => {
    const tried: { cap: number | undefined; delays: unknown; stream: readonly number[] }[] = [];
    const op = (n: number, invokeMs: number) => ({ id: `c1:${n}`, client: 'c1', invokeMs });
    const s = {
      exhausted: false,
      best: {
        scenario: {},
        choices: { 'workload/c1': [0, 1, 2, 3, 4, 5] },
        result: { history: [op(1, 0), op(2, 20), op(3, 300), op(4, 330)], operationDraws: draws({ 'c1:1': [1, 2], 'c1:2': [2, 4], 'c1:3': [4, 5], 'c1:4': [5, 6] }) },
      },
      attempt(scenario: { workload?: { clientRequests?: { c1?: number }; clientDelayMs?: unknown } }, choices: { 'workload/c1': readonly number[] }) {
        tried.push({ cap: scenario.workload?.clientRequests?.c1, delays: scenario.workload?.clientDelayMs, stream: choices['workload/c1'] });
        // Operation 2 only waits: left out, the run still fails if operation 3 keeps its time.
        const kept = JSON.stringify(choices['workload/c1']) === '[0,1,4,5]' && JSON.stringify(scenario.workload?.clientDelayMs) === '{"c1":{"1":280}}';
        if (kept)
          s.best = {
            scenario,
            choices,
            result: { history: [op(1, 0), op(2, 300), op(3, 330)], operationDraws: draws({ 'c1:1': [1, 2], 'c1:2': [2, 3], 'c1:3': [3, 4] }) },
          } as never;
        return kept;
      },
    };
    skipLaterOperations(s as unknown as ShrinkState);
    expect(tried).toEqual([
      { cap: 3, delays: undefined, stream: [0, 2, 3, 4, 5] },
      { cap: 3, delays: { c1: { 0: 20 } }, stream: [0, 2, 3, 4, 5] },
      { cap: 2, delays: undefined, stream: [0, 4, 5] },
      { cap: 2, delays: { c1: { 0: 300 } }, stream: [0, 4, 5] },
      { cap: 1, delays: undefined, stream: [0, 5] },
      { cap: 1, delays: { c1: { 0: 330 } }, stream: [0, 5] },
      { cap: 3, delays: undefined, stream: [0, 1, 4, 5] },
      { cap: 3, delays: { c1: { 1: 280 } }, stream: [0, 1, 4, 5] },
      { cap: 2, delays: { c1: { 1: 280 } }, stream: [0, 1, 5] },
      { cap: 2, delays: { c1: { 1: 310 } }, stream: [0, 1, 5] },
    ]);
    expect(s.best.choices['workload/c1']).toEqual([0, 1, 4, 5]);
  });

  it("deletes an operation's draws on its links and its nodes' streams too, and nothing else", () => {
    const history = [1, 2, 3].map((n) => ({ id: `c1:${n}`, client: 'c1', invokeMs: 10 * n }));
    const operationDraws = {
      'c1:1': { 'workload/c1': [[1, 2]], 'network/c1>n1': [[0, 1]], 'network/n1>c1': [[0, 2]] },
      'c1:2': { 'workload/c1': [[2, 3]], 'network/c1>n1': [[1, 3]], 'network/n1>c1': [[2, 3]], 'disk/n1': [[1, 2], [3, 4]] },
      'c1:3': { 'workload/c1': [[3, 4]] },
    };
    const choices = { 'workload/c1': [0, 1, 2, 3], 'network/c1>n1': [10, 11, 12, 13], 'network/n1>c1': [20, 21, 22], 'disk/n1': [30, 31, 32, 33, 34], 'network/n1>n2': [40] };
    const seen: Record<string, readonly number[]>[] = [];
    const s = { exhausted: false, best: { scenario: {}, choices, result: { history, operationDraws } }, attempt: (_: unknown, c: Record<string, readonly number[]>) => (seen.push(c), false) };
    skipLaterOperations(s as unknown as ShrinkState);
    expect(seen[0]).toEqual({ 'workload/c1': [0, 2, 3], 'network/c1>n1': [11, 12, 13], 'network/n1>c1': [22], 'disk/n1': [30, 31, 32, 33, 34], 'network/n1>n2': [40] });
    // Operation 2: its request, its links' draws up to operation 3, and what its turns drew of n1's disk.
    const second = seen.find((c) => JSON.stringify(c['workload/c1']) === '[0,1,3]');
    expect(second).toEqual({ 'workload/c1': [0, 1, 3], 'network/c1>n1': [10, 13], 'network/n1>c1': [20, 21], 'disk/n1': [30, 32, 34], 'network/n1>n2': [40] });
  });

  /** A stand-in state whose candidates all pass: `runs()` counts them. */
  function counting(history: { id: string; client: string; invokeMs: number }[], spans: Record<string, [number, number]>, stream: number[]) {
    let runs = 0;
    const s = { exhausted: false, best: { scenario: {}, choices: { 'workload/c1': stream }, result: { history, operationDraws: draws(spans) } }, attempt: () => (runs++, false) };
    return { s: s as unknown as ShrinkState, runs: () => runs };
  }

  it('tries at most 8 places of a client each time it runs, each with blocks of one, two and three operations', () => {
    const history = Array.from({ length: 20 }, (_, k) => ({ id: `c1:${k + 1}`, client: 'c1', invokeMs: 10 * k }));
    const { s, runs } = counting(history, Object.fromEntries(history.map((o, k) => [o.id, [k + 1, k + 2] as [number, number]])), Array.from({ length: 21 }, (_, k) => k));
    skipLaterOperations(s);
    expect(runs()).toBe(8 * 3 * 2);
  });

  it('skips an operation whose request drew nothing (deleting no draws would cut the last operation instead)', () => {
    const history = [1, 2, 3].map((n) => ({ id: `c1:${n}`, client: 'c1', invokeMs: 10 * n }));
    const { s, runs } = counting(history, { 'c1:1': [1, 1], 'c1:2': [1, 2], 'c1:3': [2, 3] }, [0, 1, 2]);
    skipLaterOperations(s);
    expect(runs()).toBe(2);
  });
});

describe('shrinkNodes', () => {
  it('leaves nodes out with the faults that name them (a plan naming them would not be a valid scenario)', () => {
    const protocol = amnesia(1);
    const s = stateFor(protocol);
    const plan = JSON.stringify(s.best.scenario.faultPlan);
    expect(plan).toMatch(/"n[23]"/);
    expect(() => simulate({ protocol, seed: 7, scenario: { ...s.best.scenario, nodes: 1 }, trace: 'none' })).toThrow(ConfigError);
    const before = s.best.result.events;
    shrinkNodes(s, { protocol, seed: 7 });
    expect(s.best.scenario.nodes).toBe(1);
    expect(JSON.stringify(s.best.scenario.faultPlan)).not.toMatch(/"n[23]"/);
    expect(s.best.scenario.faultPlan?.length).toBeGreaterThan(0);
    expect(s.best.result.events).toBeLessThan(before);
    expect(s.best.result.violation?.property).toBe('increasing');
  });
});

describe('withoutNode', () => {
  it('removes the node from every fault and the faults left with nothing', () => {
    const plan: FaultEvent[] = [
      { atMs: 1, kind: 'crash', node: 'n3' },
      { atMs: 2, kind: 'pause', node: 'n2' },
      { atMs: 3, kind: 'partition', groups: [['n1', 'n3'], ['n2']] },
      { atMs: 4, kind: 'oneway', from: ['n3'], to: ['n1'] },
      { atMs: 5, kind: 'oneway', from: ['n2', 'n3'], to: ['n1'] },
      { atMs: 6, kind: 'partition', groups: [['n3']] },
      { atMs: 7, kind: 'skew', node: 'n3', offsetMs: 1, driftPpm: 0 },
      { atMs: 8, kind: 'heal' },
    ];
    expect(withoutNode(plan, 'n3')).toEqual([
      { atMs: 2, kind: 'pause', node: 'n2' },
      { atMs: 3, kind: 'partition', groups: [['n1'], ['n2']] },
      { atMs: 5, kind: 'oneway', from: ['n2'], to: ['n1'] },
      { atMs: 8, kind: 'heal' },
    ]);
  });
});

describe('skipFirstOperations', () => {
  /** A stand-in state: client c1's three operations; a candidate fails when it deletes exactly `draws` values (one operation's) from the stream's start. */
  function fake(draws: number) {
    const tried: { cap: number | undefined; stream: readonly number[] }[] = [];
    const s = {
      exhausted: false,
      best: { scenario: {}, choices: { 'workload/c1': [1, 2, 3, 4, 5, 6], 'node/n1': [9] }, result: { history: [{ client: 'c1' }, { client: 'c1' }, { client: 'c1' }] } },
      attempt(scenario: { workload?: { clientRequests?: { c1?: number } } }, choices: { 'workload/c1': readonly number[] }) {
        const stream = choices['workload/c1'];
        tried.push({ cap: scenario.workload?.clientRequests?.c1, stream });
        const kept = s.best.choices['workload/c1'].length - stream.length === draws;
        if (kept) s.best = { scenario, choices, result: { history: s.best.result.history.slice(1) } } as never;
        return kept;
      },
    };
    return { s: s as unknown as ShrinkState, tried };
  }

  it("deletes a client's first operation: the start of its stream, with its cap one lower, until one operation is left", () => {
    const { s, tried } = fake(2);
    skipFirstOperations(s);
    expect(tried).toEqual([
      { cap: 2, stream: [2, 3, 4, 5, 6] },
      { cap: 2, stream: [3, 4, 5, 6] },
      { cap: 1, stream: [4, 5, 6] },
      { cap: 1, stream: [5, 6] },
    ]);
    expect(s.best.choices['workload/c1']).toEqual([5, 6]);
    expect(s.best.choices['node/n1']).toEqual([9]);
  });

  it('keeps the run when no deletion fails, trying spans up to the stream but one', () => {
    const { s, tried } = fake(99);
    skipFirstOperations(s);
    expect(tried.map((t) => t.stream.length)).toEqual([5, 4, 3, 2, 1]);
    expect(tried.every((t) => t.cap === 2)).toBe(true);
    expect(s.best.choices['workload/c1']).toHaveLength(6);
  });

  it.each([
    ['skipFirstOperations', skipFirstOperations],
    ['skipLaterOperations', skipLaterOperations],
  ])('%s shrinks a real failure no larger, and its result replays', (_, pass) => {
    const s = stateFor(amnesia());
    capClients(s);
    const before = s.best.result.events;
    pass(s);
    expect(s.best.result.violation?.property).toBe('increasing');
    expect(s.best.result.events).toBeLessThanOrEqual(before);
    const replayed = simulate({ protocol: amnesia(), seed: 7, scenario: s.best.scenario, choices: s.best.choices, trace: 'none' });
    expect(replayed.events).toBe(s.best.result.events);
  });
});
