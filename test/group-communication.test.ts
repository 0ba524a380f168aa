/**
 * Group communication under the seeded simulator with its default faults (partitions,
 * loss, duplication, reordering, delay, crashes, pauses): the correct version survives
 * every seed of a range, each seeded bug is caught in a scanned range (not a hand-picked
 * seed), and an explicit partition splits the group and its heal merges it back, with
 * the view changes in the nodes' delivery streams.
 */
import { campaign, simulate } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { LIMITS, groupCommunication, oneViewAfterHeal, type State } from '../packages/protocols/group-communication/index.ts';

describe('group-communication in the simulator', () => {
  it('the correct version passes 100 seeds', () => {
    const r = campaign({ protocol: groupCommunication, seeds: 100 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    expect(r.seedsRun).toBe(100);
  });

  it('finds sequencer-skips-safe-check (it breaks safe-delivery) within 20 seeds', () => {
    const r = campaign({ protocol: groupCommunication, bug: 'sequencer-skips-safe-check', seeds: 20, failFast: true });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.property).toBe('safe-delivery');
  });

  it('finds sequencer-orders-on-arrival (it breaks fifo) within 20 seeds of the default workload', () => {
    const r = campaign({ protocol: groupCommunication, bug: 'sequencer-orders-on-arrival', seeds: 20, failFast: true });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.property).toBe('fifo');
  });

  it('finds no-flush (it breaks virtual-synchrony) within 40 seeds', () => {
    // Dropping the old view's undelivered messages can also surface first as a safe message
    // that a member had acknowledged and then dropped; over the range, virtual synchrony breaks.
    const r = campaign({ protocol: groupCommunication, bug: 'no-flush', seeds: 40 });
    expect(r.failures.map((f) => f.property)).toContain('virtual-synchrony');
  });

  it('finds flush-drops-unordered (views agree, but senders never deliver their own messages) by self-delivery within 10 seeds', () => {
    const r = campaign({ protocol: groupCommunication, bug: 'flush-drops-unordered', seeds: 10, failFast: true });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.property).toBe('self-delivery');
    expect(r.failures[0]!.message).toMatch(/multicast \d+ messages as incarnation \d+ but delivered only \d+ of them/);
  });

  it('finds leave-applied-locally by group-delivery and install-keeps-coordinator-groups by group-membership within 10 seeds', () => {
    const leave = campaign({ protocol: groupCommunication, bug: 'leave-applied-locally', seeds: 10, failFast: true });
    expect(leave.failures.map((f) => f.property)).toEqual(['group-delivery']);
    const install = campaign({ protocol: groupCommunication, bug: 'install-keeps-coordinator-groups', seeds: 10, failFast: true });
    expect(install.failures.map((f) => f.property)).toEqual(['group-membership']);
  });

  it('finds causal-on-receipt within 10 seeds (the early message breaks the view\'s order; causal-order itself is shown in groups.test.ts)', () => {
    const r = campaign({ protocol: groupCommunication, bug: 'causal-on-receipt', seeds: 10, failFast: true });
    expect(r.failures).toHaveLength(1);
    expect(['group-order', 'agreed-order', 'fifo', 'causal-order']).toContain(r.failures[0]!.property);
  });

  it('a partition splits the group into two views and the heal merges them, with view changes in the stream', () => {
    const r = simulate({
      protocol: groupCommunication,
      seed: 3,
      trace: 'none',
      scenario: {
        faults: [],
        durationMs: 6_000,
        faultPlan: [
          { atMs: 2_000, kind: 'partition', groups: [['n1', 'n2'], ['n3', 'n4']] },
          { atMs: 4_000, kind: 'heal' },
        ],
      },
    });
    expect(r.violation).toBeUndefined();
    const states = r.nodes.map((n) => n.state as State);
    // One view of all four at the end.
    expect(new Set(states.map((s) => s.viewKey)).size).toBe(1);
    expect(states[0]!.view.members.map((m) => m.node)).toEqual(['n1', 'n2', 'n3', 'n4']);
    // Each side installed a view of its own during the partition.
    const viewsOf = (s: State) => s.log.filter((e) => e.k === 'view').map((e) => (e.k === 'view' ? e.members.map((m) => m.node).join(',') : ''));
    expect(viewsOf(states[0]!)).toContain('n1,n2');
    expect(viewsOf(states[2]!)).toContain('n3,n4');
    expect(viewsOf(states[0]!)).not.toContain('n3,n4');
    // Messages flowed on both sides while they were apart, and every client got answers.
    const ok = r.history.filter((op) => op.status === 'ok').length;
    expect(ok).toBeGreaterThan(100);
  });
});

describe('group-communication runs forever in bounded memory', () => {
  it('20 s of heavy load: no busy storm, the stream window slides, every property holds', () => {
    // With the old cap of 4,000 deliveries a node, this run answered 8,192 multicasts busy.
    const r = simulate({ protocol: groupCommunication, seed: 1, faults: [], durationMs: 20_000, scenario: { workload: { clients: 6, thinkMs: 1 } }, trace: 'none' });
    expect(r.violation).toBeUndefined();
    const results = r.history.filter((o) => o.status === 'ok').map((o) => (o.result as { type: string }).type);
    expect(results.filter((t) => t === 'busy')).toEqual([]);
    expect(results.filter((t) => t === 'delivered').length).toBeGreaterThan(6_000);
    for (const n of r.nodes) {
      const s = n.state as State;
      expect(s.logBase).toBeGreaterThan(0);
      expect(s.log.length).toBeLessThan(LIMITS.logWindow);
    }
  });

  it("one-view-after-heal compares the final view's deliveries by digest: two nodes with different streams fail it", () => {
    const r = simulate({ protocol: groupCommunication, seed: 3, trace: 'none', scenario: { faults: [], durationMs: 2_000 } });
    expect(r.violation).toBeUndefined();
    const nodes = r.nodes.map((n) => ({ ...n, state: n.state as State }));
    const view = { nodes, history: r.history, phase: 'quiescent' as const, now: r.endMs };
    expect(oneViewAfterHeal.check(view as never)).toBe(true);
    const s = nodes[1]!.state;
    nodes[1] = { ...nodes[1]!, state: { ...s, viewStream: { count: s.viewStream.count, digest: s.viewStream.digest ^ 1 } } };
    expect(oneViewAfterHeal.check(view as never)).toMatch(/delivered different messages in the final view/);
  });
});
