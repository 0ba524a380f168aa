import { defineProtocol, protocolProblems } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/index.ts';
import { amnesia } from './fixtures/amnesia.ts';
import { localKv, spreadKv } from './fixtures/local-kv.ts';

describe("a protocol's declared consistency level", () => {
  it('is checked on the client history as a property named after the level', () => {
    const bad = simulate({ protocol: spreadKv, seed: 1, trace: 'none' });
    expect(bad.violation?.property).toBe('linearizable');
    expect(bad.violation?.message).toMatch(/^not linearizable/);
  });

  it('passes a history that meets it', () => {
    for (let seed = 1; seed <= 5; seed++) expect(simulate({ protocol: localKv, seed, trace: 'none' }).ok).toBe(true);
  });

  it('is validated by defineProtocol', () => {
    expect(protocolProblems({ ...localKv, consistency: { model: 'kv', level: 'eventual' } })).toEqual([
      "consistency must be { model: 'kv' | 'collection', level: 'linearizable' | 'sequential' | 'sequential-per-key' | 'causal' }",
    ]);
    expect(protocolProblems({ ...localKv, ken: 'yes' })).toEqual(['ken must be true or false']);
  });
});

describe('a protocol that asks for Ken', () => {
  const crashN1 = { faultPlan: [{ atMs: 300, kind: 'crash' as const, node: 'n1' }, { atMs: 400, kind: 'restart' as const, node: 'n1' }] };
  const kenProtocol = defineProtocol({ ...amnesia(), ken: true });

  it('runs under Ken by default, so a crash of n1 looks like a slow node', () => {
    const plain = simulate({ protocol: amnesia(), seed: 1, scenario: crashN1, trace: 'none' });
    expect(plain.violation?.property).toBe('increasing');
    const r = simulate({ protocol: kenProtocol, seed: 1, scenario: crashN1, trace: 'none' });
    expect(r.ok).toBe(true);
    expect(r.ken?.length).toBeGreaterThan(0);
  });

  it('runs without Ken when the run says ken: false', () => {
    const r = simulate({ protocol: kenProtocol, seed: 1, scenario: crashN1, ken: false, trace: 'none' });
    expect(r.ken).toBeUndefined();
    expect(r.violation?.property).toBe('increasing');
  });
});
