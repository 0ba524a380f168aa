import { FAULT_KINDS } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/index.ts';
import { probe } from './fixtures/probe.ts';

const protocol = probe({ workload: { clients: 2, thinkMs: 10, timeoutMs: 150, retries: 2, next: () => ({ type: 'inc' as const }) } });

describe('traces', () => {
  it('the trace mode changes what is recorded, never what happens', () => {
    const full = simulate({ protocol, seed: 5, faults: FAULT_KINDS, trace: 'full' });
    const hash = simulate({ protocol, seed: 5, faults: FAULT_KINDS, trace: 'hash' });
    const none = simulate({ protocol, seed: 5, faults: FAULT_KINDS, trace: 'none' });
    expect(full.traceHash).toBe(hash.traceHash);
    expect(none.traceHash).toBeUndefined();
    expect(none.events).toBe(full.events);
    expect(none.history).toEqual(full.history);
    expect(none.stats).toEqual(full.stats);
  });

  it('records every kind of event, each as a JSON line with an event index and a time', () => {
    const r = simulate({ protocol, seed: 5, faults: FAULT_KINDS, trace: 'full', durationMs: 20_000 });
    const kinds = new Set(r.trace!.map((x) => x.k));
    for (const k of ['config', 'start', 'send', 'deliver', 'drop', 'dup', 'timer', 'state', 'fault', 'invoke', 'attempt', 'request', 'reply', 'complete', 'quiesce'])
      expect(kinds, k).toContain(k);
    let last = { i: 0, t: 0 };
    for (const rec of r.trace!) {
      expect(rec.i).toBeGreaterThanOrEqual(last.i);
      expect(rec.t).toBeGreaterThanOrEqual(last.t);
      last = rec;
      expect(() => JSON.parse(JSON.stringify(rec))).not.toThrow();
    }
    expect(r.trace![0]!.k).toBe('config');
  });

  it('state records carry the new state in full traces', () => {
    const r = simulate({ protocol, seed: 1, trace: 'full', durationMs: 300 });
    const st = r.trace!.filter((x) => x.k === 'state' && x.node === 'n1');
    expect((st.at(-1) as { state: { ticks: number } }).state.ticks).toBe(2); // ticks at 100 and 200; the run ends at 300
  });

  it('a message that embeds a piece of the sender state is a snapshot, not a live draft', () => {
    // The probe records received hellos by value; a draft leaking into a message would be revoked and throw.
    const r = simulate({ protocol, seed: 2, faults: ['duplicate'] });
    expect(r.ok).toBe(true);
  });
});
