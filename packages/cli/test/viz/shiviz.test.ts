import { describe, expect, it } from 'vitest';
import { describer } from '../../src/viz/describe.ts';
import { laneOf } from '../../src/viz/lanes.ts';
import { SHIVIZ_REGEX, toShiViz } from '../../src/viz/shiviz.ts';
import { vectorClocks } from '@faultline/simulator';
import { caughtBugRun } from './caught-bug.ts';

describe('ShiViz export', () => {
  const run = caughtBugRun();
  const trace = run.trace!;
  const log = toShiViz(trace, describer(trace));
  const parsed = [...log.matchAll(new RegExp(SHIVIZ_REGEX, 'g'))].map((m) => m.groups!);

  it('parses back with the documented regex: one event per line, every line matched', () => {
    const lines = log.trimEnd().split('\n');
    expect(parsed).toHaveLength(lines.length);
    for (const line of lines) expect(line).toMatch(new RegExp(`^${SHIVIZ_REGEX}$`));
    const onLanes = trace.filter((r) => laneOf(r) !== undefined);
    expect(parsed).toHaveLength(onLanes.length);
  });

  it('gives each event its host and its vector clock', () => {
    const clocks = vectorClocks(trace).filter((c) => c !== undefined);
    const hosts = trace.map(laneOf).filter((h) => h !== undefined);
    parsed.forEach((g, k) => {
      expect(g.host).toBe(hosts[k]);
      expect(JSON.parse(g.clock!)).toEqual(clocks[k]);
    });
    expect(new Set(parsed.map((g) => g.host))).toEqual(new Set(['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'c1', 'c2', 'c3'].filter((h) => hosts.includes(h))));
  });

  it('clocks obey happened-before, read from the log alone: each host ticks its own entry once per event, and a receipt dominates its send', () => {
    const clocks = parsed.map((g) => JSON.parse(g.clock!) as Record<string, number>);
    const last = new Map<string, number>();
    parsed.forEach((g, k) => {
      const own = clocks[k]![g.host!]!;
      expect(own, `line ${k + 1}`).toBe((last.get(g.host!) ?? 0) + 1);
      last.set(g.host!, own);
    });
    const sends = new Map<string, Record<string, number>>();
    let receipts = 0;
    parsed.forEach((g, k) => {
      const m = /^(send|recv) (\S+ -> \S+ #\d+) /.exec(g.event!);
      if (m === null) return;
      if (m[1] === 'send') sends.set(m[2]!, clocks[k]!);
      else {
        const sent = sends.get(m[2]!);
        expect(sent, `the send of ${m[2]} comes before its receipt`).toBeDefined();
        for (const [host, n] of Object.entries(sent!)) expect(clocks[k]![host] ?? 0, `${m[2]}: ${host}`).toBeGreaterThanOrEqual(n);
        receipts++;
      }
    });
    expect(receipts).toBeGreaterThan(100);
  });

  it('says what happened, when, and names the violation', () => {
    expect(parsed.some((g) => /^send n\d -> n\d #\d+ \{.*\} \[t=\d+\.\d{3} ms, event \d+\]$/.test(g.event!))).toBe(true);
    expect(parsed.some((g) => /^recv n\d -> n\d #\d+ /.test(g.event!))).toBe(true);
    expect(parsed.filter((g) => g.event!.includes(`VIOLATION ${run.violation!.property}`))).toHaveLength(1);
  });
});
