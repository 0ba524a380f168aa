import { describe, expect, it } from 'vitest';
import { anchorOf, windowOf } from '../../src/viz/trace-window.ts';
import { run } from '../helpers.ts';
import { caughtBugRun } from './caught-bug.ts';

const recordLine = /^ *\d+\.\d{3} +\d+  /;

describe('trace windows: --around, --window, --node', () => {
  const trace = caughtBugRun().trace!;

  it('anchors on an event index, the violation, or the first record of a kind', () => {
    expect(trace[anchorOf(trace, 'violation')]!.k).toBe('violation');
    const crash = trace[anchorOf(trace, 'crash')]!;
    expect(crash.k === 'fault' && crash.fault.kind).toBe('crash');
    expect(trace[anchorOf(trace, '100')]!.i).toBe(100);
    expect(trace[anchorOf(trace, '100') - 1]!.i).toBeLessThan(100);
    expect(() => anchorOf(trace, 'no-such-thing')).toThrow(/give an event index or one of: .*crash/);
    expect(() => anchorOf(trace, '99999')).toThrow(/the trace ends at event/);
  });

  it('keeps K records either side of the anchor', () => {
    const kept = windowOf(trace, { around: 'violation', window: 5 });
    const v = anchorOf(trace, 'violation');
    expect(kept.map((k) => k.at)).toEqual([v - 5, v - 4, v - 3, v - 2, v - 1, v].filter((at) => at < trace.length));
    expect(windowOf(trace, { around: '50', window: 0 }).map((k) => k.record.i)).toEqual([50]);
  });

  it('keeps only the chosen nodes\' records, messages to them, and run-wide records', () => {
    const kept = windowOf(trace, { nodes: ['n2'] });
    expect(kept.length).toBeLessThan(trace.length);
    for (const { record: r } of kept) {
      const text = JSON.stringify(r);
      expect(r.k === 'config' || r.k === 'quiesce' || r.k === 'violation' || (r.k === 'fault' && !('node' in r.fault)) || text.includes('"n2"')).toBe(true);
    }
    expect(kept.some(({ record: r }) => r.k === 'send' && r.node !== 'n2' && r.to === 'n2')).toBe(true);
  });
});

describe('faultline replay --around / --node', () => {
  it('prints the window around the violation, with the records left out counted', async () => {
    const r = await run(['replay', 'counter', '--seed', '3', '--bug', 'local-count', '--around', 'violation', '--window', '3']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const records = lines.filter((l) => recordLine.test(l));
    expect(records).toHaveLength(4); // three before, and the violation (the last record)
    expect(records[3]).toMatch(/VIOLATION /);
    expect(lines[1]).toMatch(/^ {2}⋯ \d+ records not shown$/);
  });

  it('--node gives only those nodes a column', async () => {
    const all = await run(['replay', 'counter', '--seed', '2', '--trace']);
    const r = await run(['replay', 'counter', '--seed', '2', '--node', 'n2']);
    const header = r.stdout.split('\n')[0]!;
    expect(header).toContain('n2');
    expect(header).not.toMatch(/n1|n3/);
    const records = r.stdout.split('\n').filter((l) => recordLine.test(l));
    expect(records.length).toBeGreaterThan(3);
    expect(records.length).toBeLessThan(all.stdout.split('\n').filter((l) => recordLine.test(l)).length);
  });

  it('rejects an unknown node or anchor with a usage error', async () => {
    const node = await run(['replay', 'counter', '--seed', '2', '--node', 'n9']);
    expect(node.code).toBe(2);
    expect(node.stderr).toMatch(/--node n9: no node n9 here; the nodes are n1/);
    const around = await run(['replay', 'counter', '--seed', '2', '--around', 'bogus']);
    expect(around.code).toBe(2);
    expect(around.stderr).toMatch(/--around bogus: no such record/);
  });

  it('colours a node\'s records by node, and only when colour is on', async () => {
    const plain = await run(['replay', 'counter', '--seed', '2', '--trace']);
    expect(plain.stdout).not.toMatch(/\x1b\[/);
    const colour = await run(['replay', 'counter', '--seed', '2', '--trace'], { color: true });
    const sendColours = (node: string) =>
      new Set(colour.stdout.split('\n').filter((l) => l.includes(`send ${node} ->`)).map((l) => /(\x1b\[\d+m)send /.exec(l)?.[1]));
    expect(sendColours('n3').size).toBe(1);
    expect(sendColours('n2').size).toBe(1);
    expect([...sendColours('n3')][0]).not.toBe([...sendColours('n2')][0]);
  });
});
