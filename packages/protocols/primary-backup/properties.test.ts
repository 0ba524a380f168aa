import type { Operation, SystemView } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import type { Req, Res } from './messages.ts';
import { readsSeeAcknowledgedWrites } from './properties.ts';
import type { State } from './state.ts';

type Op = Operation<Req, Res>;

/** A member of view 1 (n1 primary, n1 and n2 members) whose store holds `data`; `member: false` leaves it recovering (not in sync). */
const node = (id: string, data: Record<string, string[]>, member = true) => ({
  id,
  up: true,
  paused: false,
  state: { status: member ? 'member' : 'recovering', view: { num: 1, primary: 'n1', members: ['n1', 'n2'] }, store: { seq: 0, lastView: 1, data } } as unknown as State,
});

const put = (id: string, value: string, invokeMs: number, completeMs?: number): Op => ({
  id,
  client: id.split(':')[0]!,
  req: { type: 'put', key: 'k', value, seq: 0 },
  invokeMs,
  status: completeMs === undefined ? 'pending' : 'ok',
  attempts: 1,
  ...(completeMs === undefined ? {} : { completeMs, result: { type: 'put-ok' }, node: 'n1' }),
});

const get = (id: string, value: string | null, invokeMs: number, completeMs?: number): Op => ({
  id,
  client: id.split(':')[0]!,
  req: { type: 'get', key: 'k', seq: 0 },
  invokeMs,
  status: completeMs === undefined ? 'pending' : 'ok',
  attempts: 1,
  ...(completeMs === undefined ? {} : { completeMs, result: { type: 'get-ok', value }, node: 'n1' }),
});

const view = (history: readonly Op[], nodes: ReturnType<typeof node>[]): SystemView<State, Req, Res> => ({ nowMs: 0, nodes, history, phase: 'running' });

/** The property's verdicts on a run of views: through its monitor from `initial`, and through `check` on one history array that the run's views refill (as a simulation's grows). */
function verdicts(run: { ops: Op[]; nodes: ReturnType<typeof node>[] }[]): { monitor: unknown[]; check: unknown[] } {
  const m = readsSeeAcknowledgedWrites.monitor!;
  let memory = m.initial;
  const monitor = run.map((r) => {
    const out = m.next(memory, view(r.ops.slice(), r.nodes));
    memory = out.memory;
    return out.result;
  });
  const history: Op[] = [];
  const check = run.map((r) => {
    history.length = 0;
    history.push(...r.ops);
    return readsSeeAcknowledgedWrites.check(view(history, r.nodes));
  });
  return { monitor, check };
}

describe('reads-see-acknowledged-writes, as a monitor', () => {
  it('fails a get that returned an older value than a put acknowledged before it was invoked', () => {
    const { monitor, check } = verdicts([{ ops: [put('c1:1', 'a', 0, 1), put('c1:2', 'b', 2, 3), get('c2:1', 'a', 4, 5)], nodes: [node('n1', { k: ['a', 'b'] })] }]);
    expect(monitor[0]).toMatch(/^get c2:1 of k, invoked at 4.000 ms, returned a .*but put c1:2 of b was acknowledged at 3.000 ms$/);
    expect(check).toEqual(monitor);
  });

  it('checks a get once, when found acknowledged: a value lost later is not a second verdict on it', () => {
    const ops = [put('c1:1', 'a', 0, 1), get('c2:1', 'a', 2, 3)];
    const { monitor, check } = verdicts([
      { ops, nodes: [node('n1', { k: ['a'] })] },
      { ops, nodes: [node('n1', { k: [] })] },
    ]);
    expect(monitor).toEqual([true, true]);
    expect(check).toEqual(monitor);
    // Without the memory, the second view alone fails: the get's value is in no in-sync replica.
    expect(readsSeeAcknowledgedWrites.monitor!.next(readsSeeAcknowledgedWrites.monitor!.initial, view(ops, [node('n1', { k: [] })])).result).toMatch(/which no in-sync replica has/);
  });

  it('while no replica is in sync, keeps the get for the first view that has one', () => {
    const ops = [get('c2:1', 'x', 0, 1)];
    const { monitor, check } = verdicts([
      { ops, nodes: [node('n1', { k: ['x'] }, false)] },
      { ops, nodes: [node('n1', { k: [] })] },
    ]);
    expect(monitor).toEqual([true, 'get c2:1 of k returned x (from n1), which no in-sync replica has']);
    expect(check).toEqual(monitor);
  });

  it('names the failing gets in the order they were found acknowledged, not their places in the history', () => {
    const late = get('c1:1', 'x', 0);
    const early = get('c2:1', 'y', 0, 2);
    const { monitor, check } = verdicts([
      { ops: [late, early], nodes: [node('n1', { k: [] }, false)] },
      { ops: [{ ...late, status: 'ok', completeMs: 3, result: { type: 'get-ok', value: 'x' }, node: 'n1' }, early], nodes: [node('n1', { k: [] })] },
    ]);
    expect(monitor[1]).toBe('get c2:1 of k returned y (from n1), which no in-sync replica has');
    expect(check).toEqual(monitor);
  });

  it('never changes the memory it is given: two successors of one state are judged apart', () => {
    const m = readsSeeAcknowledgedWrites.monitor!;
    const ops = [put('c1:1', 'a', 0, 1), get('c2:1', 'a', 2, 3)];
    const parent = m.next(m.initial, view([put('c1:1', 'a', 0, 1), get('c2:1', 'a', 2)], [node('n1', { k: ['a'] })])).memory;
    const frozen = JSON.stringify(parent, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
    expect(m.next(parent, view(ops, [node('n1', { k: ['a'] })])).result).toBe(true);
    expect(m.next(parent, view(ops, [node('n1', { k: [] })])).result).toMatch(/which no in-sync replica has/);
    expect(JSON.stringify(parent, (_k, v: unknown) => (v instanceof Map ? [...v] : v))).toBe(frozen);
  });
});
