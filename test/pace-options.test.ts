/**
 * The pace settings raft, group-communication and lazy-replication declare to the
 * shrinker (`shrinkOptions`, packages/protocols/shared/pace.ts): each one is read (setting
 * it changes the run), setting each to its default is the run without it, the correct
 * version passes with all of them at their simplest values, and `create` refuses values
 * it cannot run with.
 */
import type { ProtocolDefinition } from '@faultline/runtime';
import { campaign, simulate, type Scenario } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { groupCommunication, lazyReplication, raft } from '@faultline/protocols';

const SHORT: Scenario = { durationMs: 2_000 };
const declared = (p: ProtocolDefinition) => Object.entries(p.shrinkOptions ?? {});
const simplest = (p: ProtocolDefinition) => Object.fromEntries(declared(p).map(([name, o]) => [name, o.simplest]));
const run = (p: ProtocolDefinition, options?: Scenario['options']) =>
  simulate({ protocol: p, seed: 3, trace: 'hash', scenario: { ...SHORT, ...(options ? { options } : {}) } });

describe.each([
  [raft, ['snapshotEvery', 'electionMsMax', 'electionMsMin', 'heartbeatMs']],
  [groupCommunication, ['settleMs', 'proposalTimeoutMs', 'suspectMs', 'heartbeatMs', 'tickMs']],
  [lazyReplication, ['gossipMs', 'resendMs', 'failoverMs']],
] as const)('$name: pace options for the shrinker', (protocol, names) => {
  it('declares its pace, each setting a whole number of ms (or entries)', () => {
    expect(declared(protocol).map(([name]) => name)).toEqual(names);
    for (const [, o] of declared(protocol)) expect(o.integer).toBe(true);
  });

  it('reads every setting: each one at its simplest value changes the run', () => {
    const base = run(protocol).traceHash;
    for (const [name, o] of declared(protocol)) expect(run(protocol, { [name]: o.simplest }).traceHash, name).not.toBe(base);
  });

  it('with every setting at its default the run is the run without options (the state only records that some were given)', () => {
    const none = run(protocol);
    const defaults = run(protocol, Object.fromEntries(declared(protocol).map(([name, o]) => [name, o.default])));
    expect(defaults.events).toBe(none.events);
    expect(JSON.stringify(defaults.history)).toBe(JSON.stringify(none.history));
    for (const n of none.nodes) expect(n.state).not.toHaveProperty('pace');
    for (const n of defaults.nodes) expect(n.state).toHaveProperty('pace');
  });

  it('the correct version passes 10 seeds with every setting at its simplest', () => {
    const r = campaign({ protocol, seeds: 10, scenario: { options: simplest(protocol) } });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
  });
});

describe('pace options: refused where a protocol cannot run with them', () => {
  const refuse = (protocol: ProtocolDefinition, options: Scenario['options']) => () => simulate({ protocol, seed: 1, scenario: { ...SHORT, options } });

  it('checks each setting is a whole number from 1 to 60,000', () => {
    expect(refuse(raft, { heartbeatMs: 0 })).toThrow(/heartbeatMs must be an integer from 1 to 60,000/);
    expect(refuse(lazyReplication, { gossipMs: 12.5 })).toThrow(/gossipMs must be an integer/);
    expect(refuse(groupCommunication, { tickMs: 60_001 })).toThrow(/tickMs must be an integer/);
  });

  it('checks how the settings relate', () => {
    expect(refuse(raft, { heartbeatMs: 101 })).toThrow(/heartbeatMs \(101\) must be at most a third of electionMsMin \(300\)/);
    expect(refuse(raft, { heartbeatMs: 100, electionMsMin: 150, electionMsMax: 300 })).toThrow(/heartbeatMs \(100\) must be at most a third of electionMsMin \(150\)/);
    expect(refuse(raft, { electionMsMin: 400, electionMsMax: 350 })).toThrow(/electionMsMin \(400\) must be at most electionMsMax \(350\)/);
    expect(refuse(groupCommunication, { heartbeatMs: 600 })).toThrow(/heartbeatMs \(600\) must be less than suspectMs \(600\)/);
    expect(refuse(groupCommunication, { tickMs: 800 })).toThrow(/tickMs \(800\) must be less than proposalTimeoutMs \(800\)/);
    expect(refuse(lazyReplication, { resendMs: 40 })).toThrow(/resendMs \(40\) must be at least gossipMs \(50\)/);
    expect(refuse(lazyReplication, { suspectMs: 50 })).toThrow(/suspectMs \(50\) must be more than gossipMs \(50\)/);
  });
});

describe('raft: the pace is what it says', () => {
  // Seed 22 with every setting at its simplest: a snapshot that shared the live store and
  // sessions (immer drafts) took in what the same turn applied after it, so a follower that
  // installed it held the effects of entries past its index, and two stores diverged.
  it('a snapshot is the store at its index, not the store the turn goes on to change (seed 22)', () => {
    const r = simulate({ protocol: raft, seed: 22, trace: 'none', scenario: { options: simplest(raft) } });
    expect(r.violation?.property).not.toBe('stores-converge');
  });

  it('a leader heartbeats every heartbeatMs, and a node compacts after snapshotEvery applied entries', () => {
    const r = simulate({ protocol: raft, seed: 2, trace: 'full', scenario: { nodes: 3, faults: [], durationMs: 2_000, options: { heartbeatMs: 90, snapshotEvery: 2 } } });
    expect(r.violation).toBeUndefined();
    const beats = r.trace!.flatMap((t) => (t.k === 'timer' && t.tag === 'heartbeat' ? [{ node: t.node, t: t.t }] : []));
    const leader = beats[0]!.node; // no faults: the first leader stays
    const times = beats.filter((b) => b.node === leader).map((b) => b.t);
    const gaps = times.slice(1).map((t, i) => Math.round(t - times[i]!));
    expect(gaps.length).toBeGreaterThan(5);
    expect(new Set(gaps)).toEqual(new Set([90]));
    // With snapshotEvery 2 every node's log keeps fewer than 2 applied entries past its
    // snapshot at the end (with the default, 64, it keeps dozens of the 122 applied here).
    for (const n of r.nodes) {
      const s = n.state as { snapshot: { index: number } | null; lastApplied: number };
      expect(s.lastApplied).toBeGreaterThan(64);
      expect(s.lastApplied - s.snapshot!.index).toBeLessThan(2);
    }
  });
});
