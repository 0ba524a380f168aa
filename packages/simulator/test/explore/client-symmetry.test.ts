import { describe, expect, it } from 'vitest';
import { CheckModel, check, statesAlong } from '../../src/index.ts';
import { Symmetry } from '../../src/explore/symmetry.ts';
import { ticketServer } from './fixtures/ticket-server.ts';

const CLIENTS = [['c1', 'c2', 'c3']];
const base = { protocol: ticketServer, depth: 40, walks: 0, requests: 3 } as const;

describe('symmetry over interchangeable clients (issue 17)', () => {
  it('a state and its image under renaming two clients (their operations, requests, replies and the node state keyed by request id) hash alike', () => {
    const model = new CheckModel({ protocol: ticketServer, requests: 3 });
    const symmetry = new Symmetry(model, CLIENTS);
    expect(symmetry.renamings).toHaveLength(6);
    const s0 = model.initial().state;
    const take = (s: typeof s0, client: string) => model.apply(s, model.actions(s).find((a) => a.k === 'request' && s.reqs[a.i]!.client === client)!).state;
    const byC1 = take(s0, 'c1');
    const byC2 = take(s0, 'c2');
    expect(model.hash(byC1)).not.toBe(model.hash(byC2));
    expect(symmetry.hash(byC1)).toBe(symmetry.hash(byC2));
    // Different states stay different: c1 and c2 both taken is not c1 taken alone.
    expect(symmetry.hash(take(byC1, 'c2'))).not.toBe(symmetry.hash(byC1));
  });

  it('the correct server passes over a smaller whole space', () => {
    const plain = check(base);
    const sym = check({ ...base, symmetric: CLIENTS });
    expect(plain).toMatchObject({ ok: true, coverage: 'exhausted' });
    expect(sym).toMatchObject({ ok: true, coverage: 'exhausted' });
    expect(sym.statesUnique).toBeLessThan(plain.statesUnique);
  });

  it('the duplicate-ticket bug is still found, at the same depth, in no more states, by a path that replays to it', () => {
    const plain = check({ ...base, bug: 'number-by-acks' });
    const sym = check({ ...base, bug: 'number-by-acks', symmetric: CLIENTS });
    expect(sym.violation).toMatchObject({ property: 'unique-tickets', depth: plain.violation!.depth });
    expect(sym.statesUnique).toBeLessThanOrEqual(plain.statesUnique);
    const model = new CheckModel({ protocol: ticketServer, bug: 'number-by-acks', requests: 3 });
    const { states } = statesAlong(model, sym.violation!.path);
    expect(model.failing(states.at(-1)!, model.always, 'running')?.property).toBe('unique-tickets');
  });

  it('clients that send to different nodes are not alike alone: a clear error; with their nodes declared alike too, only the renamings that agree are kept', () => {
    // Without its target, the server's clients go round robin: c1 to n1, c2 to n2.
    const roundRobin = { ...ticketServer, workload: { clients: 3, thinkMs: 10, timeoutMs: 100, retries: 0, next: () => ({ op: 'take' as const }) } };
    expect(() => check({ protocol: roundRobin, depth: 1, symmetric: [['c1', 'c2']] })).toThrow(/clients c1, c2 send to different nodes \(n1, n2\)/);
    const model = new CheckModel({ protocol: roundRobin });
    const joint = new Symmetry(model, [['n1', 'n2'], ['c1', 'c2']]);
    // 2 x 2 renamings, of which the identity and (n1 n2)(c1 c2) agree.
    expect(joint.renamings).toHaveLength(2);
    expect(joint.renamings[1]).toEqual(new Map([['n1', 'n2'], ['n2', 'n1'], ['c1', 'c2'], ['c1:1', 'c2:1'], ['c2', 'c1'], ['c2:1', 'c1:1']]));
    expect(() => check({ protocol: ticketServer, depth: 1, requests: 3, symmetric: [['c1', 'c7']] })).toThrow(/'c7' is not one of the check's clients \(c1, c2, c3\)/);
  });
});
