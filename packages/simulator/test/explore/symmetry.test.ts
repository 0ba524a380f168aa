import { describe, expect, it } from 'vitest';
import { CheckModel, check, statesAlong } from '../../src/index.ts';
import { Symmetry } from '../../src/explore/symmetry.ts';
import { twoPhase } from './fixtures/two-phase.ts';

const participants = [['n2', 'n3', 'n4']] as const;

describe('symmetry reduction over declared interchangeable nodes', () => {
  it('finds the same violation, at the same depth, in fewer states, by a path that replays to it', () => {
    const bug = 'commit-on-majority';
    const plain = check({ protocol: twoPhase, bug, depth: 20, walks: 0 });
    const sym = check({ protocol: twoPhase, bug, depth: 20, walks: 0, symmetric: participants });
    expect(sym.violation).toMatchObject({ property: 'agreement', depth: plain.violation!.depth, foundBy: 'search' });
    expect(sym.statesUnique).toBeLessThan(plain.statesUnique);
    const model = new CheckModel({ protocol: twoPhase, bug });
    const { states } = statesAlong(model, sym.violation!.path);
    expect(model.failing(states.at(-1)!, model.always, 'running')?.property).toBe('agreement');
  });

  it('a correct protocol still passes, over its whole (smaller) space; with or without sleep sets, the same states', () => {
    const plain = check({ protocol: twoPhase, depth: 20, walks: 0 });
    const sym = check({ protocol: twoPhase, depth: 20, walks: 0, symmetric: participants });
    expect(plain).toMatchObject({ ok: true, coverage: 'exhausted' });
    expect(sym).toMatchObject({ ok: true, coverage: 'exhausted' });
    expect(sym.statesUnique * 4).toBeLessThan(plain.statesUnique);
    expect(check({ protocol: twoPhase, depth: 20, walks: 0, symmetric: participants, sleepSets: false }).statesUnique).toBe(sym.statesUnique);
  });

  it('a state and its image are one state; states that are not images of each other stay apart', () => {
    const model = new CheckModel({ protocol: twoPhase });
    const symmetry = new Symmetry(model, participants);
    expect(symmetry.renamings).toHaveLength(6);
    const s0 = model.initial().state;
    const after = (label: string) => {
      const a = model.actions(s0).find((x) => model.label(s0, x).startsWith(label))!;
      return model.apply(s0, a).state;
    };
    const toN2 = after('deliver n1->n2');
    const toN3 = after('deliver n1->n3');
    const n2GivesUp = after('timer n2');
    expect(model.hash(toN2)).not.toBe(model.hash(toN3));
    expect(symmetry.hash(toN2)).toBe(symmetry.hash(toN3));
    expect(symmetry.hash(toN2)).not.toBe(symmetry.hash(n2GivesUp));
    // The image renames ids in node states too: the coordinator's votes are keyed by node.
    const image = symmetry.image(toN2, symmetry.renamings.findIndex((r) => r.get('n2') === 'n3' && r.get('n3') === 'n2'));
    expect(image.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(image.nodes[2]!.state).toMatchObject({ voted: 'yes' });
    expect(image.msgs.find((m) => m.msg && (m.msg as { type: string }).type === 'vote')).toMatchObject({ from: 'n3', to: 'n1' });
  });

  it('bad groups are refused', () => {
    expect(() => check({ protocol: twoPhase, depth: 1, symmetric: [['n2', 'n9']] })).toThrow(/'n9' is not a node of two-phase/);
    expect(() => check({ protocol: twoPhase, depth: 1, symmetric: [['n2']] })).toThrow(/at least 2 nodes/);
    expect(() => check({ protocol: twoPhase, depth: 1, symmetric: [['n2', 'n3'], ['n3', 'n4']] })).toThrow(/in two symmetric groups/);
  });
});
