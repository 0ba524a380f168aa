import { describe, expect, it } from 'vitest';
import { defineProtocol, protocolProblems, workloadProblems, type ProtocolDefinition } from '../src/index.ts';

const workload = { clients: 2, thinkMs: 10, timeoutMs: 100, retries: 1, next: () => ({}) };
const base = {
  name: 'p',
  description: 'a test protocol',
  create: () => ({ initialState: () => ({}), onMessage: () => {}, onRequest: () => {} }),
  bugs: [],
  properties: [],
  faults: [],
} as unknown as ProtocolDefinition<unknown, unknown, unknown>;

describe('workload validation', () => {
  it('accepts a whole spec and rejects each bad field by name', () => {
    expect(workloadProblems(workload)).toEqual([]);
    expect(workloadProblems({ ...workload, timeoutMs: 0 }).join()).toMatch(/workload.timeoutMs must be a positive number/);
    expect(workloadProblems({ ...workload, clients: 1.5 }).join()).toMatch(/workload.clients must be an integer >= 0/);
    expect(workloadProblems({ ...workload, retries: -1 }).join()).toMatch(/workload.retries/);
    expect(workloadProblems({ ...workload, thinkMs: Number.NaN }).join()).toMatch(/workload.thinkMs/);
    expect(workloadProblems({ ...workload, next: undefined }).join()).toMatch(/workload.next must be a function/);
  });

  it('defineProtocol rejects timeoutMs 0 up front, the same way a run does', () => {
    expect(() => defineProtocol({ ...base, workload: { ...workload, timeoutMs: 0 } })).toThrow(/workload.timeoutMs must be a positive number/);
  });

  it('a protocol may leave its workload out', () => {
    expect(protocolProblems(base)).toEqual([]);
  });
});
