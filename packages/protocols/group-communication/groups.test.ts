import type { SystemView } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import type { Bug } from './config.ts';
import { groupsAfterFlush, invalidRequest } from './groups.ts';
import { indexRun } from './log-index.ts';
import type { AppMsg, Msg, Req, Res } from './messages.ts';
import type { Delivery, State } from './state.ts';
import { Kit } from './testkit.ts';

const ids = ['n1', 'n2', 'n3'];
const join = (group: string): Req => ({ type: 'join', group });
const leave = (group: string): Req => ({ type: 'leave', group });
const mcast = (groups: string[], service: AppMsg['service'] = 'agreed'): Req => ({ type: 'mcast', service, groups, payload: groups.join('+') });
/** What a node delivered to its application, by message id. */
const app = (log: readonly Delivery[]) => log.flatMap((e) => (e.k === 'msg' && e.to && e.op === 'mcast' ? [e.id] : []));

function merged(bug?: Bug): Kit {
  const k = new Kit(ids, bug);
  k.advance(1_000);
  return k;
}

function violations(k: Kit, states: Record<string, State> = {}): Map<string, string> {
  const view = { nodes: ids.map((id) => ({ id, up: true, state: states[id] ?? k.state(id) })), history: [], phase: 'running', now: k.nowMs };
  return indexRun(view as unknown as SystemView<State, Req, Res>).violations;
}

describe('group-communication: named groups', () => {
  it('refuses malformed requests with a reason', () => {
    expect(invalidRequest(mcast([]))).toMatch(/at least one group/);
    expect(invalidRequest(mcast(['a', 'a']))).toMatch(/each group once/);
    expect(invalidRequest(mcast(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']))).toMatch(/at most 8 groups/);
    expect(invalidRequest(join(''))).toMatch(/1 to 64 characters/);
    expect(invalidRequest(mcast(['a', 'b']))).toBeNull();
    const k = merged();
    k.request('n1', mcast([]), 'r1');
    expect(k.replies).toEqual([{ node: 'n1', requestId: 'r1', result: { type: 'invalid', reason: 'a multicast needs at least one group' } }]);
  });

  it('delivers a multicast to the members of its groups only, and a multi-group one in the same order everywhere', () => {
    const k = merged();
    k.request('n1', join('a'), 'j1');
    k.request('n2', join('a'), 'j2');
    k.request('n2', join('b'), 'j3');
    k.request('n3', join('b'), 'j4');
    k.advance(200);
    for (const id of ids) expect(k.state(id).groups).toEqual({ a: ['n1', 'n2'], b: ['n2', 'n3'] });
    k.request('n3', mcast(['a']), 'm1');
    k.request('n1', mcast(['a', 'b']), 'm2');
    k.request('n2', mcast(['b'], 'safe'), 'm3');
    k.advance(300);
    const all = app(k.state('n2').log);
    expect(all).toHaveLength(3); // n2 is in both groups
    expect(app(k.state('n1').log)).toEqual(all.filter((id) => id !== 'n2' && !id.startsWith('n2.')));
    expect(app(k.state('n3').log)).toEqual(all.filter((id) => !id.startsWith('n3.')));
    expect(k.replies.map((r) => r.requestId).sort()).toEqual(['j1', 'j2', 'j3', 'j4', 'm1', 'm2', 'm3']);
    expect(violations(k)).toEqual(new Map());
    // A stream in which n2 delivered its last two multicasts the other way round fails group-order.
    const s = k.state('n2');
    const at = s.log.flatMap((e, i) => (e.k === 'msg' && e.op === 'mcast' ? [i] : [])).slice(-2);
    const log = [...s.log];
    [log[at[0]!], log[at[1]!]] = [log[at[1]!]!, log[at[0]!]!];
    expect(violations(k, { n2: { ...s, log } }).get('group-order')).toMatch(/n2 delivered .* to its application (after a later position|at position \d+, where another member delivered)/);
  });

  it('a leave takes effect where it is ordered; memberships survive a partition and its heal', () => {
    const k = merged();
    k.request('n3', join('a'), 'j1');
    k.request('n1', join('a'), 'j2');
    k.advance(200);
    k.cut(['n3'], ['n1', 'n2']);
    k.advance(1_500);
    expect(k.state('n1').groups).toEqual({ a: ['n1'] });
    expect(k.state('n3').groups).toEqual({ a: ['n3'] });
    k.request('n3', leave('a'), 'l1');
    k.advance(200);
    expect(k.state('n3').groups).toEqual({});
    k.heal();
    k.advance(1_500);
    for (const id of ids) expect(k.state(id).groups).toEqual({ a: ['n1'] });
    expect(violations(k)).toEqual(new Map());
  });

  it('the flush carries a member\'s own joins and leaves that were still on their way', () => {
    const m = (n: number, op: AppMsg['op'], group: string): AppMsg => ({ id: `x.1.${n}`, op, groups: [group], sender: 'x', inc: 1, n, seen: 0, service: 'agreed', payload: '', requestId: `r${n}` });
    const report = { member: { node: 'x', inc: 1 }, view: 'V', delivered: 1, held: [], unordered: [], groups: ['a', 'b'] };
    const plan = { view: 'V', trans: ['x'], upTo: 3, ordered: [{ gseq: 1, msg: m(0, 'leave', 'a') }, { gseq: 2, msg: m(1, 'leave', 'b') }, { gseq: 3, msg: m(2, 'join', 'c') }], appended: [m(3, 'join', 'd')] };
    // gseq 1 is already in the reported groups (delivered 1); 2 and 3 and the appended join apply.
    expect(groupsAfterFlush(report, plan)).toEqual(['a', 'c', 'd']);
  });
});

describe('group-communication: the group properties fail on the bugs that break them', () => {
  it('leave-applied-locally: the leaver misses a message ordered before its leave (group-delivery)', () => {
    const k = merged('leave-applied-locally');
    k.request('n2', join('a'), 'j1');
    k.advance(200);
    // n1's multicast is ordered before n2's leave, but n2 has already dropped the group.
    k.request('n1', mcast(['a']), 'm1');
    k.request('n2', leave('a'), 'l1');
    k.advance(300);
    expect(app(k.state('n2').log)).toEqual([]);
    expect(violations(k).get('group-delivery')).toMatch(/n2 did not deliver n1\.\d+\.0 \(mcast to a\) to its application .* but it was a member then/);
  });

  it('install-keeps-coordinator-groups: n3 loses its group when the partition heals (group-membership)', () => {
    const k = merged('install-keeps-coordinator-groups');
    k.cut(['n3'], ['n1', 'n2']);
    k.advance(1_500);
    k.request('n3', join('a'), 'j1');
    k.advance(200);
    k.heal();
    k.advance(1_500);
    expect(k.state('n3').groups).toEqual({});
    expect(violations(k).get('group-membership')).toMatch(/n3 was in groups \[a\] at the end of view .* but is in \[\] in view/);
  });

  it('causal-on-receipt: a causal message overtakes one its sender had delivered (causal-order)', () => {
    const k = merged('causal-on-receipt');
    const first = (e: { to: string; msg: Msg }) => e.to === 'n3' && e.msg.type === 'Ordered' && e.msg.item.gseq === 1;
    k.request('n1', mcast(['a'], 'fifo'), 'm1');
    k.deliver(first); // n2 delivers gseq 1; n3 does not have it yet
    k.request('n2', mcast(['a'], 'causal'), 'm2'); // sent after delivering gseq 1
    k.deliver(first);
    const n3 = k.state('n3').log.filter((e) => e.k === 'msg');
    expect(n3.map((e) => (e.k === 'msg' ? e.gseq : 0))).toEqual([2]);
    expect(violations(k).get('causal-order')).toMatch(/n3 delivered n2\.\d+\.0 \(causal\) in view .* before position 1/);
    // The correct protocol holds it until position 1 arrives.
    const ok = merged();
    ok.request('n1', mcast(['a'], 'fifo'), 'm1');
    ok.deliver(first);
    ok.request('n2', mcast(['a'], 'causal'), 'm2');
    ok.deliver(first);
    expect(ok.state('n3').log.filter((e) => e.k === 'msg')).toEqual([]);
    expect(violations(ok)).toEqual(new Map());
  });
});
