/**
 * The tuplespace's run-time changes: nodes joining a running tuplespace, and a sequencer
 * replaced by majority vote while it is down.
 */
import { campaign, simulate } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import type { Operation } from '@faultline/runtime';
import { noDoubleTake, tuplespace, weakOpsConverge, type Req, type Res, type State } from '../packages/protocols/tuplespace/index.ts';

const historyOf = (r: { history: readonly unknown[] }) => r.history as readonly Operation<Req, Res>[];

const FOUNDERS = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((id) => ({ id }));

describe('joining a running tuplespace', () => {
  it('a joiner knowing one founder is admitted as a replica; no tuple is taken twice over 20 seeds', () => {
    // Before joins were built, a joiner took itself for a partition of its own and served
    // takes alone: no-double-take failed in 10 of these 20 seeds.
    const scenario = { nodes: [...FOUNDERS, { id: 'n7', joinAtMs: 2_000, contacts: ['n1'] }] };
    const r = campaign({ protocol: tuplespace, seeds: 20, scenario });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
  }, 300_000); // about 4 s of CPU, slower on a loaded machine

  it('joiners get the whole state: the log from the sequencer, every earlier tuple by pulls', () => {
    const scenario = { nodes: [...FOUNDERS, { id: 'n7', joinAtMs: 4_000, contacts: ['n5'] }], faults: [] };
    const r = simulate({ protocol: tuplespace, seed: 3, scenario });
    expect(r.violation).toBeUndefined();
    const states = new Map(r.nodes.map((n) => [n.id, n.state as State]));
    const n7 = states.get('n7')!;
    expect(n7.partition).toBeGreaterThanOrEqual(0);
    const peer = states.get(n7.group.find((id) => id !== 'n7')!)!;
    expect(n7.group).toContain('n7');
    // It holds tuples written before it started, and the log's committed prefix.
    const early = historyOf(r).filter((o) => o.req.type === 'out' && o.status === 'ok' && (o.completeMs ?? Infinity) < 4_000 && peer.tuples[o.id] !== undefined);
    expect(early.length).toBeGreaterThan(0);
    for (const o of early) expect(n7.tuples[o.id]).toBeDefined();
    expect(n7.log.slice(0, n7.commit)).toEqual(peer.log.slice(0, peer.commit));
  });

  it('weak-ops-converge fails while a live node has not been admitted', () => {
    const joiner = { partition: -1, group: [], tuples: {}, log: [], commit: 0 } as unknown as State;
    const r = weakOpsConverge.check({ nodes: [{ id: 'n7', up: true, state: joiner }], history: [], phase: 'quiet', now: 1 } as never);
    expect(r).toBe('n7 has not been admitted as a replica');
  });
});

describe('strong operations without their sequencer', () => {
  it('with both initial sequencers down for good, a majority elects new ones and ins keep completing', () => {
    const scenario = {
      nodes: FOUNDERS,
      faults: [],
      faultPlan: [
        { atMs: 2_000, kind: 'crash' as const, node: 'n1' },
        { atMs: 2_000, kind: 'crash' as const, node: 'n4' },
      ],
    };
    for (const seed of [1, 2, 3]) {
      const r = simulate({ protocol: tuplespace, seed, scenario });
      expect(r.violation).toBeUndefined();
      const takes = historyOf(r).filter((o) => (o.req.type === 'in' || o.req.type === 'inp') && o.status === 'ok' && o.invokeMs > 3_000 && o.result?.type === 'tuple');
      expect(takes.length).toBeGreaterThan(0);
      const live = r.nodes.filter((n) => n.up).map((n) => n.state as State);
      for (const s of live) expect(s.leader === 'n1' || s.leader === 'n4').toBe(false);
      for (const s of live) expect(s.view).toBeGreaterThan(0);
    }
  });
});

describe('no-double-take reads committed entries only', () => {
  const node = (id: string, log: unknown[], commit: number) => ({ id, up: true, state: { log, commit } });
  const check = (nodes: unknown[]) => noDoubleTake.check({ nodes, history: [], phase: 'running', now: 1 } as never);
  const take = (by: string, id: string, view: number) => ({ kind: 'take', view, by, id });

  it('an uncommitted entry that a later sequencer replaced is not a take', () => {
    expect(check([node('n1', [take('c1:2', 'c9:1', 0)], 0), node('n2', [take('c2:5', 'c9:1', 1)], 1)])).toBe(true);
  });

  it('two committed logs naming two takers of one tuple fail', () => {
    expect(check([node('n1', [take('c1:2', 'c9:1', 0)], 1), node('n2', [{ kind: 'noop', view: 1 }, take('c2:5', 'c9:1', 1)], 2)])).toMatch(/tuple c9:1 was taken by both c1:2 and c2:5/);
  });
});
