import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig, simulate, type SimOptions, type TraceRecord } from '../src/index.ts';
import { probe } from './fixtures/probe.ts';

const protocol = probe();
const bad = (o: Partial<SimOptions>) => () => resolveConfig({ protocol, seed: 1, ...o });

describe('scenario validation', () => {
  it('rejects an unknown bug variant, naming the known ones', () => {
    expect(bad({ bug: 'nope' })).toThrow(new ConfigError("protocol probe has no bug variant 'nope' (known: none-really)"));
  });
  it('rejects unknown fault kinds, bad seeds and bad numbers', () => {
    expect(bad({ faults: ['meteor' as never] })).toThrow(/unknown fault kind 'meteor'/);
    expect(bad({ seed: 1.5 })).toThrow(/seed must be an integer or a string/);
    expect(bad({ durationMs: -1 })).toThrow(/durationMs must be a positive number/);
    expect(bad({ scenario: { network: { dropRate: 1.5 } } })).toThrow(/dropRate must be in \[0, 1\)/);
    expect(bad({ scenario: { network: { latencyMsMin: 10, latencyMsMax: 5 } } })).toThrow(/latencyMsMax must be >= latencyMsMin/);
    expect(bad({ scenario: { workload: { clients: -1 } } })).toThrow(/workload.clients/);
  });
  it('rejects a fault plan that names unknown nodes or kinds', () => {
    expect(bad({ scenario: { faultPlan: [{ atMs: 1, kind: 'crash', node: 'n9' }] } })).toThrow(/unknown node "n9"/);
    expect(bad({ scenario: { faultPlan: [{ atMs: 1, kind: 'explode' } as never] } })).toThrow(/unknown kind "explode"/);
  });
  it('rejects duplicate node ids and unknown contacts', () => {
    expect(bad({ scenario: { nodes: [{ id: 'a' }, { id: 'a' }] } })).toThrow(/appears twice/);
    expect(bad({ scenario: { nodes: [{ id: 'a' }, { id: 'b', joinAtMs: 5, contacts: ['z'] }] } })).toThrow(/unknown contact z/);
  });
  it('a late joiner starts at its time knowing only its contacts', () => {
    const r = simulate({ protocol, seed: 1, trace: 'full', scenario: { nodes: [{ id: 'n1' }, { id: 'n2' }, { id: 'n4', joinAtMs: 450, contacts: ['n2'] }] } });
    const cfg = r.trace![0] as Extract<TraceRecord, { k: 'config' }>;
    expect(cfg.nodes.find((n) => n.id === 'n4')!.cluster).toEqual(['n4', 'n2']);
    expect(r.trace!.find((x) => x.k === 'start' && x.node === 'n4')!.t).toBe(450);
  });
  it('fills defaults from the protocol', () => {
    const c = resolveConfig({ protocol, seed: 'abc' });
    expect(c.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
    expect(c.maxFaultyNodes).toBe(1);
    expect(c.durationMs).toBe(2000);
    expect(c.seed).toBe('abc');
  });
});

describe('workload', () => {
  it('a scenario override of timeoutMs 0 is rejected by the same check as the definition', () => {
    expect(bad({ scenario: { workload: { timeoutMs: 0 } } })).toThrow(/workload.timeoutMs must be a positive number/);
  });

  it('a protocol without a workload runs with no clients', () => {
    const { workload: _none, ...rest } = probe();
    const r = simulate({ protocol: rest, seed: 1 });
    expect(r.history).toEqual([]);
    expect(resolveConfig({ protocol: rest, seed: 1 }).workload.clients).toBe(0);
  });
});
