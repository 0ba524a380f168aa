import { raft } from '@faultline/protocols';
import { simulate, type SimResult, type TraceRecord } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { latencyPlot } from '../../../src/viz/plots/latency-plot.ts';
import { messagesPlot } from '../../../src/viz/plots/messages-plot.ts';
import { runPlotData, type Outcome } from '../../../src/viz/plots/run-data.ts';
import { throughputPlot } from '../../../src/viz/plots/throughput-plot.ts';
import { timelinePlot } from '../../../src/viz/plots/timeline-plot.ts';
import { caughtBugRun } from '../caught-bug.ts';
import { findAll, hasClass, parseXml, svgById, textOf, xOfValue, type Node } from './svg-tree.ts';

/** A raft run with crashes, pauses, partitions and failed CAS operations. */
const faulty: SimResult = simulate({ protocol: raft, seed: 1, trace: 'full', durationMs: 8000 });
const buggy = caughtBugRun();

const outcomeOf = (status: string, result: unknown): Outcome =>
  status === 'pending' ? 'info' : status === 'timeout' ? 'timeout' : (result as { type?: string }).type?.endsWith('-fail') ? 'fail' : 'ok';

function axesOf(svg: Node): { x: Node; y: Node } {
  const [x] = findAll(svg, hasClass('x-axis'));
  const [y] = findAll(svg, hasClass('y-axis'));
  expect(x, 'x axis').toBeDefined();
  expect(y, 'y axis').toBeDefined();
  return { x: x!, y: y! };
}

function expectTicks(axis: Node, atLeast: number): void {
  const ticks = findAll(axis, hasClass('tick'));
  expect(ticks.length).toBeGreaterThanOrEqual(atLeast);
  for (const t of ticks) expect(textOf(t).trim()).not.toBe('');
  if (axis.attrs.class!.includes('x-axis')) expect(textOf(findAll(axis, hasClass('axis-label'))[0]!)).toMatch(/^simulated time \((ms|s)\)$/);
}

const legendLabels = (svg: Node) => findAll(svg, hasClass('legend-item')).map((n) => n.attrs['data-label']);

describe('run plots, read back as SVG', () => {
  for (const [name, run] of [['raft under faults', faulty], ['primary-backup with its bug', buggy]] as const) {
    describe(name, () => {
      const d = runPlotData(run.trace!);
      const expected = new Map(run.history.map((o) => [o.id, outcomeOf(o.status, o.result)]));

      it('latency: axes with ticks and labels, one dot per operation coloured by its outcome, the quantile lines, a legend', () => {
        const svg = svgById(latencyPlot(d), 'latency');
        const { x, y } = axesOf(svg);
        expectTicks(x, 3);
        expectTicks(y, 2);
        expect(textOf(y)).toContain('latency (ms, log)');
        const dots = findAll(svg, hasClass('op'));
        expect(dots.length).toBe(run.history.length);
        expect(new Map(dots.map((n) => [n.attrs['data-op'], n.attrs['data-outcome']]))).toEqual(expected);
        const at = xOfValue(svg);
        for (const dot of dots) {
          const op = run.history.find((o) => o.id === dot.attrs['data-op'])!;
          expect(Number(dot.attrs.cx)).toBeCloseTo(at(op.invokeMs), 0);
        }
        expect(findAll(svg, hasClass('quantile')).map((n) => n.attrs['data-q'])).toEqual(['p50', 'p95', 'p99']);
        const labels = legendLabels(svg);
        expect(labels).toEqual(expect.arrayContaining(['p50', 'p95', 'p99']));
        for (const o of new Set(expected.values())) expect(labels.some((l) => l!.startsWith(o))).toBe(true);
      });

      it('throughput: the bars count every finished operation once', () => {
        const svg = svgById(throughputPlot(d), 'throughput');
        const { x, y } = axesOf(svg);
        expectTicks(x, 3);
        expectTicks(y, 2);
        const bars = findAll(svg, hasClass('bar'));
        const counted = bars.reduce((s, b) => s + Number(b.attrs['data-count']), 0);
        expect(counted).toBe(run.history.filter((o) => o.status !== 'pending').length);
      });

      it('timeline: a row per client, one bar per operation from invocation to completion', () => {
        const svg = svgById(timelinePlot(d), 'timeline');
        const { x, y } = axesOf(svg);
        expectTicks(x, 3);
        const clients = [...new Set(run.history.map((o) => o.client))].sort();
        expect(findAll(y, hasClass('tick')).map((t) => t.attrs['data-value']).sort()).toEqual(clients);
        const bars = findAll(svg, hasClass('op'));
        expect(bars.length).toBe(run.history.length);
        const at = xOfValue(svg);
        for (const bar of bars) {
          const op = run.history.find((o) => o.id === bar.attrs['data-op'])!;
          expect(bar.attrs['data-outcome']).toBe(expected.get(op.id));
          expect(Number(bar.attrs.x)).toBeCloseTo(at(op.invokeMs), 0);
          const end = op.completeMs ?? run.endMs;
          expect(Number(bar.attrs.x) + Number(bar.attrs.width)).toBeCloseTo(Math.max(at(end), at(op.invokeMs) + 1.5), 0);
        }
      });

      it('messages: a row per node with the sends and losses the trace recorded', () => {
        const svg = svgById(messagesPlot(d), 'messages');
        expectTicks(axesOf(svg).x, 3);
        const rows = findAll(svg, hasClass('node-row'));
        const config = run.trace!.find((r) => r.k === 'config') as Extract<TraceRecord, { k: 'config' }>;
        expect(rows.map((r) => r.attrs['data-node'])).toEqual(config.nodes.map((n) => n.id));
        for (const row of rows) {
          const n = row.attrs['data-node'];
          const sent = run.trace!.filter((r) => r.k === 'send' && r.node === n).length;
          const lost = run.trace!.filter((r) => r.k === 'drop' && r.from === n).length;
          expect([Number(row.attrs['data-sent']), Number(row.attrs['data-dropped'])]).toEqual([sent, lost]);
          const sum = (kind: string) => findAll(row, hasClass(kind)).reduce((s, b) => s + Number(b.attrs['data-count']), 0);
          expect([sum('sent'), sum('dropped')]).toEqual([sent, lost]);
        }
      });

      it('every plot shades each fault period where it happened, from the fault to its end', () => {
        for (const [id, svgText] of [['latency', latencyPlot(d)], ['throughput', throughputPlot(d)], ['timeline', timelinePlot(d)]] as const) {
          const svg = svgById(svgText, id);
          const rects = findAll(svg, hasClass('fault'));
          expect(rects.length).toBe(d.faults.length);
          expectFaultRects(run.trace!, run.endMs, rects);
          const at = xOfValue(svg);
          for (const r of rects) {
            expect(Number(r.attrs.x)).toBeCloseTo(at(Number(r.attrs['data-from-ms'])), 0);
            expect(Number(r.attrs.x) + Number(r.attrs.width)).toBeCloseTo(Math.max(at(Number(r.attrs['data-to-ms'])), Number(r.attrs.x) + 1), 0);
          }
          if (rects.length > 0) expect(legendLabels(svg).some((l) => /down|paused|partition/.test(l!))).toBe(true);
        }
      });
    });
  }

  it('the raft run has the faults the shading test needs', () => {
    const kinds = new Set(runPlotData(faulty.trace!).faults.map((f) => f.kind));
    expect([...kinds].sort()).toEqual(['crash', 'partition', 'pause']);
    expect(buggy.violation).toBeDefined();
  });

  it('the violation is a line at its time on every plot', () => {
    const d = runPlotData(buggy.trace!);
    for (const [id, text] of [['latency', latencyPlot(d)], ['throughput', throughputPlot(d)], ['timeline', timelinePlot(d)], ['messages', messagesPlot(d)]] as const) {
      const svg = svgById(text, id);
      const [v] = findAll(svg, hasClass('violation'));
      expect(Number(v!.attrs['data-at-ms'])).toBe(buggy.violation!.atMs);
      expect(Number(v!.children[0]!.attrs.x1)).toBeCloseTo(xOfValue(svg)(buggy.violation!.atMs), 0);
      expect(textOf(v!)).toContain(buggy.violation!.property);
    }
  });
});

/**
 * Checks the shaded rects against the trace's own records: each rect starts at a fault of
 * its kind and ends where that fault ended (the node's next start, its resume, the heal or
 * next partition, quiescence, or the end of the run), and every fault record lies inside a
 * rect of its kind.
 */
function expectFaultRects(trace: readonly TraceRecord[], endMs: number, rects: readonly Node[]): void {
  const spans = rects.map((r) => ({ kind: r.attrs['data-kind']!, from: Number(r.attrs['data-from-ms']), to: Number(r.attrs['data-to-ms']) }));
  const faults = trace.filter((r): r is Extract<TraceRecord, { k: 'fault' }> => r.k === 'fault');
  const kindOf = (f: (typeof faults)[number]['fault']) =>
    f.kind === 'crash' ? (f.tear ? 'disk' : 'crash') : f.kind === 'pause' ? 'pause' : f.kind === 'partition' || f.kind === 'oneway' ? 'partition' : undefined;
  for (const r of faults) {
    const kind = kindOf(r.fault);
    if (kind === undefined) continue;
    expect(spans.some((s) => s.kind === kind && s.from <= r.t && r.t <= s.to), `${kind} at ${r.t} is shaded`).toBe(true);
  }
  for (const s of spans) {
    expect(faults.some((r) => kindOf(r.fault) === s.kind && r.t === s.from), `a ${s.kind} fault at ${s.from}`).toBe(true);
    const endsThere = trace.some((r) => r.t === s.to && (r.k === 'start' || r.k === 'quiesce' || (r.k === 'fault' && ['resume', 'heal', 'partition', 'oneway', 'crash'].includes(r.fault.kind))));
    expect(endsThere || s.to === endMs, `the ${s.kind} from ${s.from} ends at a record (${s.to})`).toBe(true);
  }
}

describe('run plot data', () => {
  const at = (i: number, t: number) => ({ i, t });
  const config = { ...at(0, 0), k: 'config', protocol: 'p', seed: '1', bug: null, nodes: [{ id: 'n1', startMs: 0, cluster: ['n1', 'n2'] }, { id: 'n2', startMs: 0, cluster: ['n1', 'n2'] }], network: {}, faults: [], plan: [] } as unknown as TraceRecord;
  const trace = [
    config,
    { ...at(1, 1), k: 'invoke', client: 'c1', id: 'c1:1', req: { type: 'cas' } },
    { ...at(2, 2), k: 'fault', fault: { atMs: 2, kind: 'crash', node: 'n1', tear: true } },
    { ...at(3, 3), k: 'complete', client: 'c1', id: 'c1:1', node: 'n2', result: { type: 'cas-fail' }, m: 1 },
    { ...at(4, 4), k: 'invoke', client: 'c2', id: 'c2:1', req: { type: 'get' } },
    { ...at(5, 5), k: 'give-up', client: 'c2', id: 'c2:1' },
    { ...at(6, 6), k: 'invoke', client: 'c1', id: 'c1:2', req: { type: 'get' } },
    { ...at(7, 7), k: 'start', node: 'n1', incarnation: 2 },
    { ...at(8, 8), k: 'fault', fault: { atMs: 8, kind: 'partition', groups: [['n1'], ['n2']] } },
    { ...at(9, 10), k: 'send', node: 'n2', to: 'n1', m: 2, msg: {} },
  ] as TraceRecord[];

  it('names each outcome: a -fail result, a give-up, an operation open at the end', () => {
    const d = runPlotData(trace);
    expect(d.ops.map((o) => [o.id, o.outcome, o.endMs])).toEqual([
      ['c1:1', 'fail', 3],
      ['c2:1', 'timeout', 5],
      ['c1:2', 'info', 10],
    ]);
  });

  it('a torn crash is a disk fault until the node starts again; a partition left on is open at the end', () => {
    const d = runPlotData(trace);
    expect(d.faults.map((f) => [f.kind, f.fromMs, f.toMs, f.open])).toEqual([
      ['disk', 2, 7, false],
      ['partition', 8, 10, true],
    ]);
    const svg = parseXml(latencyPlot(d));
    expect(findAll(svg, hasClass('fault-disk')).length).toBe(1);
    expect(findAll(svg, (n) => n.name === 'circle' && n.attrs['data-outcome'] === 'info')[0]!.attrs.fill).toBe('none');
  });
});
