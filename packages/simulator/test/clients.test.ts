import { describe, expect, it } from 'vitest';
import { simulate } from '../src/index.ts';
import { probe } from './fixtures/probe.ts';

const workload = { clients: 2, thinkMs: 20, timeoutMs: 100, retries: 2, next: () => ({ type: 'inc' as const }) };

describe('simulated clients', () => {
  it('record every request in the history with invocation and completion times', () => {
    const r = simulate({ protocol: probe({ workload, quietMs: 500 }), seed: 1, trace: 'full' });
    expect(r.history.length).toBeGreaterThan(50);
    for (const op of r.history) {
      expect(op.status).toBe('ok');
      expect(op.completeMs!).toBeGreaterThan(op.invokeMs);
      expect(op.attempts).toBe(1);
    }
    expect(new Set(r.history.map((o) => o.id)).size).toBe(r.history.length);
    expect(r.history.filter((o) => o.client === 'c1').length).toBeGreaterThan(20);
  });

  it('retry the same request id on timeout, on another node, then give up', () => {
    // Every node but n1 is down, and n1 is unreachable for the clients' first node (n1 is down too).
    const r = simulate({
      protocol: probe({ workload: { ...workload, clients: 1 } }),
      seed: 1,
      trace: 'full',
      scenario: { faultPlan: ['n1', 'n2', 'n3'].map((node) => ({ atMs: 0.5, kind: 'crash' as const, node })), durationMs: 1000 },
    });
    const first = r.history[0]!;
    expect(first.status).toBe('timeout');
    expect(first.attempts).toBe(3);
    const attempts = r.trace!.filter((x) => x.k === 'attempt' && x.id === first.id);
    expect(attempts.map((a) => (a as { node: string }).node)).toEqual(['n1', 'n2', 'n3']);
    expect(r.trace!.some((x) => x.k === 'give-up' && x.id === first.id)).toBe(true);
  });

  it('follow redirects to the node named', () => {
    const r = simulate({ protocol: probe({ workload, redirectTo: 'n3', quietMs: 500 }), seed: 1 });
    expect(r.history.length).toBeGreaterThan(10);
    expect(r.history.every((o) => o.status === 'ok' && o.node === 'n3')).toBe(true);
    // Each client's first request goes to its own node (n1, n2) and is redirected once;
    // the client then keeps sending to n3.
    for (const c of ['c1', 'c2']) {
      const ops = r.history.filter((o) => o.client === c);
      expect(ops.map((o) => o.attempts)).toEqual([2, ...ops.slice(1).map(() => 1)]);
    }
  });

  it('see duplicated replies as stale, and a duplicated request reaches the node twice', () => {
    const r = simulate({ protocol: probe({ workload }), seed: 2, trace: 'full', scenario: { network: { duplicateRate: 0.3 } } });
    expect(r.trace!.some((x) => x.k === 'stale-reply')).toBe(true);
    const requests = r.trace!.filter((x) => x.k === 'request').length;
    expect(requests).toBeGreaterThan(r.history.length);
  });

  it('stop issuing requests at the end of the duration', () => {
    const r = simulate({ protocol: probe({ workload, durationMs: 1000, quietMs: 1000 }), seed: 1 });
    expect(Math.max(...r.history.map((o) => o.invokeMs))).toBeLessThan(1000);
  });
});
