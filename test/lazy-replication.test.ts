/**
 * Lazy replication under the seeded simulator, with its default fault model (drops,
 * duplicates, reordering, delays, partitions, crashes, pauses, skew), Ken checkpointing
 * (the protocol asks for it) and the causal consistency check of the client history.
 * The correct version must survive every seed; the seeded bug must be caught in a
 * scanned range of seeds. A seed costs about a second of CPU under Ken, so the test runs
 * few; the 2,000-seed campaigns are run by hand with the CLI.
 */
import type { NodeView, Operation, SystemView } from '@faultline/runtime';
import { campaign, consistencyProperty, restartSessions, simulate } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { ANSWER_WITHIN_MS, answered, frontEndsKeepWhatClientsSaw, lazyReplication, readYourWrites, restartsSession, type Req, type Res, type State } from '../packages/protocols/lazy-replication/index.ts';

describe('lazy-replication in the simulator', () => {
  it('the correct version passes 10 seeds', () => {
    const r = campaign({ protocol: lazyReplication, seeds: 10 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    expect(r.seedsRun).toBe(10);
  });

  it('each client\'s gets are served by several replicas, so the session guarantees are exercised', () => {
    const r = simulate({ protocol: lazyReplication, seed: 3, trace: 'full' });
    expect(r.violation).toBeUndefined();
    const servers = new Map<string, Set<string>>();
    for (const t of r.trace ?? []) {
      if (t.k !== 'send') continue;
      // Under Ken a protocol message travels inside Ken's envelope.
      const envelope = t.msg as { msg?: { type: string; client?: string } };
      const msg = envelope.msg ?? (t.msg as { type: string; client?: string });
      if (msg.type === 'Served') servers.set(msg.client!, (servers.get(msg.client!) ?? new Set()).add(t.node));
    }
    expect(servers.size).toBe(4);
    for (const s of servers.values()) expect(s.size).toBeGreaterThanOrEqual(2);
  });

  // At the time of writing seeds 2 and 3 of 1..5 fail (by posts-ordered: a read misses the client's own post).
  it('finds the answer-before-caught-up bug within 5 seeds', () => {
    const r = campaign({ protocol: lazyReplication, bug: 'answer-before-caught-up', seeds: 5, failFast: true });
    expect(r.failures).toHaveLength(1);
    expect(['read-your-writes', 'monotonic-reads', 'posts-ordered', 'causal']).toContain(r.failures[0]!.property);
  });
});

const CRASH_N2_6S = { faults: [], faultPlan: [{ atMs: 2_000, kind: 'crash', node: 'n2' }, { atMs: 8_000, kind: 'restart', node: 'n2' }] } as const;

describe('lazy-replication with a replica down for 6 s', () => {
  // Seed 1 of this scenario: clients of n2 and requests needing n2's updates go elsewhere.
  it('every request is still answered: front ends fail over and held requests are served stale', () => {
    for (const seed of [1, 2, 3]) {
      const r = simulate({ protocol: lazyReplication, seed, scenario: CRASH_N2_6S });
      expect(r.violation, `seed ${seed}`).toBeUndefined();
      const stale = r.history.filter((op) => (op.result as Res | undefined)?.stale !== undefined);
      expect(stale.length, `seed ${seed}: stale answers`).toBeGreaterThan(0);
      // Stale answers name the failed replica (or an unknown front end) and come only while it is down, or soon after.
      for (const op of stale) {
        expect((op.result as Res).stale!.every((n) => n === 'n2' || n === '?')).toBe(true);
        expect(op.completeMs!).toBeGreaterThan(2_000);
        expect(op.invokeMs).toBeLessThan(8_000 + 1_000);
      }
    }
  });

  it('without failover (the old protocol) the answered property fails', () => {
    const r = simulate({ protocol: lazyReplication, seed: 1, bug: 'no-failover', scenario: CRASH_N2_6S });
    expect(r.violation?.property).toBe('answered');
  });
});

describe('seeds the first failover version failed', () => {
  // 172: a request left to the client's retries, which Ken drops (the node took it on);
  // 116: a late copy of an older request replaced the one in flight; 239: the old front
  // end answered the request after a takeover as if the client had seen its own answer;
  // 1651: a front end asked a replica restarted under Ken whether another front end had
  // answered the client, and its answer queued behind what it had sent before the crash
  // (which kept arriving, so it was never suspected): the ask round waited for good.
  it.each(['172', '116', '239', '1651'])('seed %s passes', (seed) => {
    expect(simulate({ protocol: lazyReplication, seed }).violation).toBeUndefined();
  });

  // A put held at a second front end while the client moved on was applied there too, later and heavier.
  it('seed 294 with partitions, drops and pauses passes', () => {
    expect(simulate({ protocol: lazyReplication, seed: '294', faults: ['partition', 'drop', 'pause'] }).violation).toBeUndefined();
  });
});

describe('the answered property', () => {
  const op = (status: 'pending' | 'ok' | 'timeout', invokeMs: number, completeMs?: number): Operation<Req, Res> => ({
    id: 'c1:1', client: 'c1', req: { type: 'get', key: 'a', seq: 0 }, invokeMs, status, attempts: 1, ...(completeMs === undefined ? {} : { completeMs }),
  });
  const node = (up: boolean): NodeView<State> => ({ id: 'n1', up, paused: false, state: undefined });
  const view = (history: Operation<Req, Res>[], nowMs: number, up = true): SystemView<State, Req, Res> => ({ nowMs, nodes: [node(up), { ...node(true), id: 'n2', up: up }], history, phase: 'running' });

  it('fails on a request unanswered for longer than the limit while a replica is up, and on a timeout', () => {
    expect(answered.check(view([op('pending', 1_000)], 1_000 + ANSWER_WITHIN_MS - 1))).toBe(true);
    expect(answered.check(view([op('pending', 1_000)], 1_000 + ANSWER_WITHIN_MS + 1))).toMatch(/still unanswered/);
    expect(answered.check(view([op('timeout', 1_000, 2_000)], 2_000))).toMatch(/timed out/);
    expect(answered.check(view([op('ok', 1_000, 9_000)], 9_000))).toBe(true);
  });

  it('excuses a request that waited through a moment when every replica was down', () => {
    const h = [op('pending', 1_000)];
    expect(answered.check(view(h, 2_000, false))).toBe(true);
    expect(answered.check(view(h, 1_000 + ANSWER_WITHIN_MS + 1))).toBe(true);
  });
});

describe('a stale answer restarts the session (for the session guarantees and the causal check)', () => {
  const ok = (client: string, n: number, req: Req, result: Res, t: number): Operation<Req, Res> => ({ id: `${client}:${n}`, client, req, invokeMs: t, completeMs: t + 1, status: 'ok', result, attempts: 1 });
  // c1 writes x, then reads the initial value of a: it missed its own write.
  const history = (stale: boolean): Operation<Req, Res>[] => [
    ok('c1', 1, { type: 'put', key: 'a', value: 'x', seq: 0 }, { type: 'put-ok' }, 0),
    ok('c1', 2, { type: 'get', key: 'a', seq: 1 }, stale ? { type: 'get-ok', value: null, stale: ['n2'] } : { type: 'get-ok', value: null }, 10),
  ];
  const causal = consistencyProperty(lazyReplication.consistency!);
  const v = (h: Operation<Req, Res>[]) => ({ nowMs: 100, nodes: [], history: h, phase: 'quiescent' as const });

  it('the same read fails read-your-writes and the causal check when it is not marked stale, and passes when it is', () => {
    expect(readYourWrites.check(v(history(false)))).toMatch(/its own put of x/);
    expect(causal.check(v(history(false)))).toMatch(/not causally consistent/);
    expect(readYourWrites.check(v(history(true)))).toBe(true);
    expect(causal.check(v(history(true)))).toBe(true);
  });

  it('the answer after a takeover starts a session too: the old front end may answer it without knowing of the takeover', () => {
    // c1 reads y at a front end that took it over, then x (older) from its old front end.
    const h = (takeover: boolean): Operation<Req, Res>[] => [
      ok('c1', 1, { type: 'put', key: 'a', value: 'x', seq: 0 }, { type: 'put-ok' }, 0),
      ok('c2', 1, { type: 'get', key: 'a', seq: 0 }, { type: 'get-ok', value: 'x' }, 5),
      ok('c2', 2, { type: 'put', key: 'a', value: 'y', seq: 1 }, { type: 'put-ok' }, 10),
      ok('c1', 2, { type: 'get', key: 'a', seq: 1 }, { type: 'get-ok', value: 'y', stale: ['n2'], ...(takeover ? { takeover: true as const } : {}) }, 20),
      ok('c1', 3, { type: 'get', key: 'a', seq: 2 }, { type: 'get-ok', value: 'x' }, 30),
    ];
    expect(causal.check(v(h(false)))).toMatch(/not causally consistent/);
    expect(causal.check(v(h(true)))).toBe(true);
    expect(restartSessions(h(true), restartsSession).map((op) => op.client)).toEqual(['c1', 'c2', 'c2', 'c1~1', 'c1~2']);
  });

  it('a violation inside the restarted session is still caught', () => {
    const h = [...history(true), ok('c1', 3, { type: 'put', key: 'a', value: 'y', seq: 2 }, { type: 'put-ok' }, 20), ok('c1', 4, { type: 'get', key: 'a', seq: 3 }, { type: 'get-ok', value: null }, 30)];
    expect(readYourWrites.check(v(h))).toMatch(/its own put of y/);
    expect(causal.check(v(h))).toMatch(/not causally consistent/);
    expect(restartSessions(h, (op) => (op.result as Res).stale !== undefined).map((op) => op.client)).toEqual(['c1', 'c1~1', 'c1~1', 'c1~1']);
  });
});

describe('the front-ends-keep-what-clients-saw property', () => {
  // n1 answered c1's request 3 when c1 had seen {n1.1: 2, n2.1: 4}.
  const state = (feTs: Record<string, number>, at = 'n1'): State =>
    ({ self: 'n1', frontEnds: { c1: { ts: feTs, current: null, last: null, unsure: null } }, sessions: { c1: { seq: 3, ts: { 'n1.1': 2, 'n2.1': 4 }, at } } }) as unknown as State;
  const view = (s: State): SystemView<State, Req, Res> => ({ nowMs: 0, nodes: [{ id: 'n1', up: true, paused: false, state: s }], history: [], phase: 'running' });

  it('fails when a front end has lost part of what it recorded with its last answer (a reply replaced its timestamp)', () => {
    expect(frontEndsKeepWhatClientsSaw.check(view(state({ 'n1.1': 2, 'n2.1': 4, 'n3.1': 1 })))).toBe(true);
    expect(frontEndsKeepWhatClientsSaw.check(view(state({ 'n1.1': 3, 'n3.1': 1 })))).toMatch(/n1's front end of c1 .* lacks part of/);
  });

  it('does not look at a client another front end answered last', () => {
    expect(frontEndsKeepWhatClientsSaw.check(view(state({}, 'n2')))).toBe(true);
  });
});
