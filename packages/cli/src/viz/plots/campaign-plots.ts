import { count, duration, grouped } from '../../format.ts';
import { columnChart, rowChart, type Stack } from './bar-charts.ts';
import { bucketWidth, countBuckets } from './buckets.ts';
import type { CampaignPlotData } from './campaign-data.ts';
import { esc } from './svg.ts';

const PROPERTY_COLOURS = ['#d1333f', '#2f6fec', '#8e44ad', '#d35400', '#16a5a5', '#7f8c2d', '#b0468c', '#5b6b8c'];
const PASSED = '#5b6b8c';
const FAILED = '#d1333f';
const ORIGINAL = '#b7bfcf';
const SHRUNK = '#2f6fec';

/** The properties that failed, most failures first (then by name), each with its colour. */
function properties(d: CampaignPlotData): { name: string; n: number; colour: string }[] {
  const n = new Map<string, number>();
  for (const f of d.failures) n.set(f.property, (n.get(f.property) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name, k], i) => ({ name, n: k, colour: PROPERTY_COLOURS[i % PROPERTY_COLOURS.length]! }));
}

export function failuresByProperty(d: CampaignPlotData): string {
  const props = properties(d);
  return rowChart({
    id: 'failures-by-property',
    title: 'Failures by property',
    note: `${grouped(d.failures.length)} of ${count(d.seedsRun, 'seed')}`,
    xLabel: 'failing seeds',
    rows: props.map((p) => ({ label: p.name, bars: [{ kind: 'failures', n: p.n, colour: p.colour }] })),
    legend: [],
  });
}

/** When in its run each violation happened (simulated time), stacked by property. */
export function violationTimes(d: CampaignPlotData): string {
  const props = properties(d);
  const end = Math.max(1, ...d.failures.map((f) => f.atMs));
  const w = bucketWidth(end, 30);
  const per = props.map((p) => countBuckets(d.failures.filter((f) => f.property === p.name).map((f) => f.atMs), end, w));
  const buckets = per[0]?.map((_c, b) => ({ x0: b * w, x1: (b + 1) * w, stacks: props.map((p, k): Stack => ({ kind: p.name, n: per[k]![b]!, colour: p.colour })) })) ?? [];
  return columnChart({
    id: 'violation-times',
    title: 'When in the run the violations happened',
    note: `buckets of ${grouped(w)} simulated ms`,
    xLabel: 'simulated time of the violation (ms)',
    yLabel: 'failing seeds',
    buckets,
    legend: props.map((p) => ({ label: p.name, colour: p.colour, shape: 'box' as const })),
  });
}

/** Seeds finished per second of wall time over the campaign (shrinking not included). */
export function seedsPerSecond(d: CampaignPlotData): string {
  const seeds = d.seeds ?? [];
  const end = Math.max(1, ...seeds.map((s) => s.wallMs));
  const w = bucketWidth(end, 40);
  const passed = countBuckets(seeds.filter((s) => !s.failed).map((s) => s.wallMs), end, w);
  const failed = countBuckets(seeds.filter((s) => s.failed).map((s) => s.wallMs), end, w);
  return columnChart({
    id: 'seeds-per-second',
    title: 'Seeds per second over the campaign',
    note: `${count(seeds.length, 'seed')} in ${duration(end)} wall; buckets of ${grouped(w)} ms`,
    xLabel: 'wall time since the start (s)',
    xFormat: (ms) => grouped(ms / 1000),
    yLabel: 'seeds / s',
    rate: (b) => (b.x1 - b.x0) / 1000,
    buckets: passed.map((n, b) => ({ x0: b * w, x1: (b + 1) * w, stacks: [{ kind: 'passed', n, colour: PASSED }, { kind: 'failed', n: failed[b]!, colour: FAILED }] })),
    legend: [{ label: 'passed', colour: PASSED, shape: 'box' }, { label: 'failed', colour: FAILED, shape: 'box' }],
  });
}

/** How many events each seed ran, as a histogram; failing seeds (which stop at the violation) in red. */
export function eventsPerSeed(d: CampaignPlotData): string {
  const seeds = d.seeds ?? [];
  const lo = Math.min(...seeds.map((s) => s.events));
  const hi = Math.max(lo + 1, ...seeds.map((s) => s.events));
  const w = bucketWidth(hi - lo, 30);
  const first = Math.floor(lo / w) * w;
  const span = hi - first + 1;
  const passed = countBuckets(seeds.filter((s) => !s.failed).map((s) => s.events - first), span, w);
  const failed = countBuckets(seeds.filter((s) => s.failed).map((s) => s.events - first), span, w);
  return columnChart({
    id: 'events-per-seed',
    title: 'Events per seed',
    note: `buckets of ${grouped(w)} events`,
    xLabel: 'simulation events in the run',
    yLabel: 'seeds',
    buckets: passed.map((n, b) => ({ x0: first + b * w, x1: first + (b + 1) * w, stacks: [{ kind: 'passed', n, colour: PASSED }, { kind: 'failed', n: failed[b]!, colour: FAILED }] })),
    legend: [{ label: 'passed', colour: PASSED, shape: 'box' }, { label: 'failed (ends at the violation)', colour: FAILED, shape: 'box' }],
  });
}

/** Each shrunk failure's size before and after: events, with faults and requests in the text. */
export function shrunkSizes(d: CampaignPlotData): string {
  const shrunk = d.failures.filter((f) => f.shrunk !== undefined);
  return rowChart({
    id: 'shrunk-sizes',
    title: 'Shrunk failures: size before and after',
    note: `${count(shrunk.length, 'failure')} shrunk`,
    xLabel: 'simulation events',
    rows: shrunk.map((f) => {
      const s = f.shrunk!;
      return {
        label: `seed ${f.seed} (${f.property})`,
        bars: [
          { kind: 'original', n: s.from.events, colour: ORIGINAL, text: `${grouped(s.from.events)} events, ${count(s.from.faults, 'fault')}, ${count(s.from.requests, 'request')}` },
          { kind: 'shrunk', n: s.events, colour: SHRUNK, text: `${grouped(s.events)} events, ${count(s.faults, 'fault')}, ${count(s.requests, 'request')}` },
        ],
      };
    }),
    legend: [{ label: 'original', colour: ORIGINAL, shape: 'box' }, { label: 'shrunk', colour: SHRUNK, shape: 'box' }],
  });
}

/** The campaign report's section: a summary line, the plots there is data for, and a table of the failures. */
export function campaignSection(d: CampaignPlotData): string {
  const failed = d.failures.length;
  const verdict = failed > 0 ? `<span class="bad">✗ ${grouped(failed)} of ${count(d.seedsRun, 'seed')} violated a property</span>` : `✓ no property violated in ${count(d.seedsRun, 'seed')}`;
  const parts = [
    `<section class="faultline-plots campaign-plots">`,
    `<p class="summary">${verdict} · ${grouped(d.events)} events · ${duration(d.simulatedMs)} simulated in ${duration(d.wallMs)} wall</p>`,
  ];
  if (failed > 0) parts.push(failuresByProperty(d), violationTimes(d));
  if (d.seeds !== undefined && d.seeds.length > 0) parts.push(seedsPerSecond(d), eventsPerSeed(d));
  else parts.push('<p class="summary">Seeds per second and events per seed are drawn from a campaign watched as it runs: <code>faultline test ... --report FILE.html</code>; a <code>test --json</code> report does not keep them.</p>');
  if (d.failures.some((f) => f.shrunk !== undefined)) parts.push(shrunkSizes(d));
  if (failed > 0) {
    const rows = d.failures.slice(0, 200).map((f) => `<tr><td>${esc(f.seed)}</td><td>${esc(f.property)}</td><td>${grouped(f.atMs)}</td><td>${grouped(f.events)}</td><td><code>${esc(f.shrunk?.replay ?? f.replay)}</code></td></tr>`);
    parts.push('<h2>Failures</h2>', `<table><tr><th>seed</th><th>property</th><th>at (ms)</th><th>events</th><th>replay</th></tr>${rows.join('')}</table>`);
    if (d.failures.length > 200) parts.push(`<p class="summary">... and ${grouped(d.failures.length - 200)} more</p>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}
