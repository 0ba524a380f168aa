import { describe, expect, it } from 'vitest';
import type { DiagramModel } from '../../src/viz/diagram-model.ts';
import { stateChange, storeStates } from '../../src/viz/state-diff.ts';
import { stateOf } from './page-data.ts';

describe('node states stored as changes from the previous one', () => {
  const states = [
    { term: 1, log: [{ t: 1, v: 'a' }], votes: { n1: true } },
    { term: 2, log: [{ t: 1, v: 'a' }, { t: 2, v: 'b' }], votes: {} },
    { term: 2, log: [{ t: 1, v: 'z' }], votes: {}, leader: 'n2' },
    'replaced whole',
  ];
  const stored = storeStates(states, [-1, 0, 1, 2]);

  it('rebuilds every state exactly: appends, truncations, changed and deleted keys', () => {
    const model = { states: stored } as unknown as DiagramModel;
    states.forEach((s, k) => expect(stateOf(model, k)).toEqual(s));
  });

  it('stores only what changed, or the whole state when that is smaller', () => {
    expect(stored[0]).toEqual({ f: states[0] });
    expect(stored[1]).toEqual({ f: states[1] }); // its changes would be longer than it
    const log = Array.from({ length: 50 }, (_, k) => ({ t: 1, v: `entry ${k}` }));
    const [, big] = storeStates([{ term: 1, log, votes: { n1: true } }, { term: 2, log: [...log, { t: 2, v: 'b' }], votes: {} }], [-1, 0]);
    expect(big).toEqual({ p: 0, d: { o: { term: { v: 2 }, log: { n: 51, s: { 50: { v: { t: 2, v: 'b' } } } }, votes: { o: {}, x: ['n1'] } } } });
    expect(stateChange(states[1], states[1])).toBeUndefined();
  });
});
