/**
 * Lazy replication's history checks as the run goes on (`causal-monitor.ts`): a check at
 * a moment of the run walks what happened before it, finds a violation as soon as the
 * answer that makes it is in, is never stronger than the walk of the whole history, and
 * gives that walk's verdict once the run is quiescent. Shown on hand-built histories, and
 * on simulated runs against the whole walk of the same run's history.
 */
import type { Operation, SystemView } from '@faultline/runtime';
import { lazyReplication, postsOrdered, causalGets, checkPosts, checkCausalGets, type Req, type Res, type Slot } from '../packages/protocols/lazy-replication/index.ts';
import { eventually } from '@faultline/runtime';
import { simulate } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';

type Op = Operation<Req, Res>;
let n = 0;
const op = (client: string, req: Req, result: Res, invokeMs: number, completeMs: number): Op => ({
  id: `${client}:${++n}`, client, req, invokeMs, completeMs, result, status: 'ok', attempts: 1, node: 'n1',
});
const slot = (text: string): Slot => ({ value: text, ts: { 'n1.1': 1 }, weight: 1, origin: 'n1.1' });
const posted = (client: string, text: string, t: number, done = t + 5) => op(client, { type: 'post', user: 'ann', text, seq: 0 }, { type: 'post-ok' }, t, done);
const read = (client: string, texts: string[], t: number, done = t + 5) => op(client, { type: 'read', user: 'ann', seq: 0 }, { type: 'read-ok', posts: texts.map(slot) }, t, done);

/** The views of one run at each moment of `moments`, its history growing as the simulator's does: invoked by then, answered by then. */
function views(history: readonly Op[], moments: readonly number[], last: 'running' | 'quiescent' = 'running'): SystemView<never, Req, Res>[] {
  const shown: Op[] = [];
  return moments.map((t, k) => {
    for (const o of history) {
      const i = shown.findIndex((s) => s.id === o.id);
      if (o.invokeMs > t) continue;
      const now: Op = o.completeMs! <= t ? o : { ...o, status: 'pending', completeMs: undefined, result: undefined };
      if (i < 0) shown.push(now);
      else shown[i] = now;
    }
    return { nowMs: t, nodes: [], history: shown, phase: k === moments.length - 1 ? last : 'running' };
  });
}
const verdicts = (history: readonly Op[], moments: readonly number[], last?: 'running' | 'quiescent') => views(history, moments, last).map((v) => postsOrdered.check(v));

describe('posts-ordered as the run goes on', () => {
  // c1 posts p (answered at 5), then reads a list without it (answered at 25).
  const lost = () => [posted('c1', 'p', 0), read('c1', [], 20)];

  it('fails once the read that breaks it is answered and the run has moved past that moment', () => {
    const v = verdicts(lost(), [1, 10, 25, 26]);
    expect(v.slice(0, 3)).toEqual([true, true, true]);
    expect(v[3]).toMatch(/c1 \S+ read @ann from n1 without p, which the client had posted \(read your writes\)/);
    expect(postsOrdered.kind).toBe('always');
  });

  it('holds where the whole history holds', () => {
    expect(verdicts([posted('c1', 'p', 0), read('c1', ['p'], 20)], [1, 10, 26, 40])).toEqual([true, true, true, true]);
  });

  it('is weaker than the whole walk while an update is unanswered, and gives its verdict when quiescent', () => {
    // c1's post q is answered at 50, after c2's read that lists q without p: q depends on p
    // only once it is known to have been answered.
    const h = [posted('c1', 'p', 0), posted('c1', 'q', 10, 50), read('c2', ['q'], 20, 30)];
    expect(checkPosts(h)).toMatch(/got q without p, which it depends on/);
    expect(verdicts(h, [31, 40], 'running')).toEqual([true, true]);
    expect(verdicts(h, [31, 40, 60], 'quiescent')[2]).toMatch(/got q without p, which it depends on/);
  });
});

describe('on simulated runs', () => {
  // The old form of the two checks, at quiescence only, beside the new ones: every run the new ones stop is one whose whole history the walk fails.
  const atEnd = [eventually('posts-at-end', '', (v) => checkPosts(v.history as Op[])), eventually('gets-at-end', '', (v) => checkCausalGets(v.history as Op[]))];
  // With no think time a client asks for its next operation at the moment its last is answered: ties of the walk's order.
  for (const bug of ['posts-by-back-end', 'answer-before-caught-up'] as const)
    for (const thinkMs of [20, 0])
      it(`stops only runs whose whole history fails the walk (${bug}, think time ${thinkMs} ms)`, () => {
        const scenario = { durationMs: 4_000, workload: { thinkMs } };
        let stopped = 0;
        for (let seed = 1; seed <= 12; seed++) {
          const r = simulate({ protocol: lazyReplication, bug, seed, scenario, trace: 'none' });
          const p = r.violation?.property;
          if (p !== postsOrdered.name && p !== causalGets.name) continue;
          stopped++;
          // Rerun without the two checks so that it goes to the end, and walk its whole history.
          const whole = simulate({ protocol: { ...lazyReplication, properties: [...lazyReplication.properties.filter((q) => q !== postsOrdered && q !== causalGets), ...atEnd] }, bug, seed, scenario, trace: 'none' });
          const walk = p === postsOrdered.name ? checkPosts(whole.history as Op[]) : checkCausalGets(whole.history as Op[]);
          expect(walk, `seed ${seed}: ${r.violation!.message}`).not.toBe(true);
        }
        expect(stopped).toBeGreaterThan(0);
      });
});

describe('sessions as the run goes on', () => {
  it('puts an update asked for at the moment a stale answer starts a new session in the new session, as the whole walk does', () => {
    // c1's stale read answered at 10 starts a new session, and its post q is asked for at 10:
    // q depends on nothing c1 saw before (p), so c3's read of q without p is fine.
    const stale = op('c1', { type: 'read', user: 'bob', seq: 1 }, { type: 'read-ok', posts: [], stale: ['n2'] } as Res, 6, 10);
    const h = [posted('c2', 'p', 0, 2), read('c1', ['p'], 3, 5), stale, posted('c1', 'q', 10, 12), read('c3', ['q'], 13, 15)];
    expect(checkPosts(h)).toBe(true);
    expect(verdicts(h, [11, 16, 20])).toEqual([true, true, true]);
    // Without the stale answer q depends on p, and both walks say so.
    const other = op('c1', { type: 'read', user: 'bob', seq: 1 }, { type: 'read-ok', posts: [] }, 6, 10);
    const fresh = [posted('c2', 'p', 0, 2), read('c1', ['p'], 3, 5), other, posted('c1', 'q', 10, 12), read('c3', ['q'], 13, 15)];
    expect(checkPosts(fresh)).toMatch(/got q without p, which it depends on/);
    expect(verdicts(fresh, [11, 16])[1]).toMatch(/got q without p, which it depends on/);
  });
});
