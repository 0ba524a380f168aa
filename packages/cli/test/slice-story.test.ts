import { Chalk } from 'chalk';
import { causalSlice, type TraceRecord } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { storyTail } from '../src/failure-slice.ts';
import { sliceStory, stateChanges } from '../src/slice-story.ts';

const rec = (i: number, r: Record<string, unknown>): TraceRecord => ({ i, t: i * 1.5, ...r }) as unknown as TraceRecord;
const plain = new Chalk({ level: 0 });

describe('the causal slice story', () => {
  it('numbers one step per event and lane: what came in, what went out, the state fields that changed; the violation last', () => {
    const trace = [
      rec(0, { k: 'config', protocol: 'p', seed: '1', bug: null, nodes: [{ id: 'n1' }, { id: 'n2' }], network: {}, faults: [], plan: [] }),
      rec(1, { k: 'start', node: 'n1', incarnation: 1, state: { view: 1, log: [] } }),
      rec(1, { k: 'start', node: 'n2', incarnation: 1, state: { view: 1, log: [] } }),
      rec(2, { k: 'invoke', client: 'c1', id: 'c1:1', req: { put: 'x' } }),
      rec(2, { k: 'attempt', client: 'c1', id: 'c1:1', node: 'n1', attempt: 1, m: 1 }),
      rec(3, { k: 'request', node: 'n1', client: 'c1', id: 'c1:1', m: 1 }),
      rec(3, { k: 'state', node: 'n1', state: { view: 1, log: ['x'] } }),
      rec(3, { k: 'send', node: 'n1', to: 'n2', m: 2, msg: { type: 'Rep', v: 'x' } }),
      rec(3, { k: 'reply', node: 'n1', client: 'c1', id: 'c1:1', result: 'ok', m: 3 }),
      rec(4, { k: 'timer', node: 'n2', tag: 'tick' }),
      rec(4, { k: 'state', node: 'n2', state: { view: 2, log: [] } }),
      rec(5, { k: 'complete', client: 'c1', id: 'c1:1', node: 'n1', result: 'ok', m: 3 }),
      rec(6, { k: 'fault', fault: { atMs: 9, kind: 'crash', node: 'n1' } }),
      rec(6, { k: 'violation', property: 'no-lost-writes', message: 'c1:1 is lost' }),
    ];
    const slice = causalSlice(trace)!;
    expect(sliceStory(trace, slice, plain, 200)).toEqual([
      'causal slice: 9 records of 14, the ones the violation depends on',
      '  1. n1   1.500 ms  start',
      '  2. c1   3.000 ms  c1 invoke c1:1 {"put":"x"}',
      '     c1 -> n1 c1:1 try 1 #1',
      '  3. n1   4.500 ms  request c1:1 from c1 #1 {"put":"x"}',
      '     state: log: +1 ["x"]',
      '     reply c1:1 -> c1 #3 "ok"',
      '  4. c1   7.500 ms  c1 complete c1:1 = "ok" (from n1)',
      '  5. n1   9.000 ms  FAULT crash n1',
      '     ✗ no-lost-writes: c1:1 is lost',
    ]);
  });

  it('cuts its lines at the width', () => {
    const trace = [
      rec(1, { k: 'start', node: 'n1', incarnation: 1 }),
      rec(2, { k: 'log', node: 'n1', text: 'x'.repeat(200) }),
      rec(2, { k: 'violation', property: 'p', message: 'y'.repeat(200) }),
    ];
    const lines = sliceStory(trace, causalSlice(trace)!, plain, 60);
    expect(lines.slice(1).map((l) => l.length)).toEqual([lines[1]!.length, 60, 60]);
    expect(lines[2]).toMatch(/…$/);
  });

  it('diffs states compactly: changed leaves two levels down, appends, removals, and a bound on the fields listed', () => {
    expect(stateChanges({ a: 1, b: { c: 2, d: 3 }, log: [1] }, { a: 1, b: { c: 5, d: 3 }, log: [1, 2, 3] })).toEqual(['b.c: 2 -> 5', 'log: +2 [2,3]']);
    expect(stateChanges({ a: 1, gone: true }, { a: 2 })).toEqual(['a: 1 -> 2', 'gone: removed']);
    expect(stateChanges({ log: [1, 2] }, { log: [3] })).toEqual(['log: [1,2] -> [3]']);
    expect(stateChanges(undefined, { a: 1 })).toEqual(['state: unset -> {"a":1}']);
    const many = Object.fromEntries(Array.from({ length: 9 }, (_v, k) => [`f${k}`, k]));
    expect(stateChanges({}, many)).toEqual(['f0: unset -> 0', 'f1: unset -> 1', 'f2: unset -> 2', 'f3: unset -> 3', 'f4: unset -> 4', 'f5: unset -> 5', '+3 more']);
    expect(stateChanges({ a: 1 }, { a: 1 })).toEqual([]);
  });
});

describe('the story test prints', () => {
  it('keeps the title and its last lines from the start of a step, and says where the rest is', () => {
    const story = ['title', '  1. n1 a', '     x', '  2. n2 b', '     y', '     z', '  3. n1 c', '     ✗ p: m'];
    expect(storyTail(story, 10, 'faultline replay p --slice', plain)).toEqual(story);
    expect(storyTail(story, 4, 'faultline replay p --slice', plain)).toEqual(['title', '  ⋯ 5 earlier lines; all of it: faultline replay p --slice', '  3. n1 c', '     ✗ p: m']);
    const fromStep2 = ['title', '  ⋯ 2 earlier lines; all of it: R', '  2. n2 b', '     y', '     z', '  3. n1 c', '     ✗ p: m'];
    expect(storyTail(story, 5, 'R', plain)).toEqual(fromStep2);
    expect(storyTail(story, 6, 'R', plain)).toEqual(fromStep2);
  });
});
