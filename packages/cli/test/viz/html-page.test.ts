import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { raft } from '@faultline/protocols';
import { simulate } from '@faultline/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { describer } from '../../src/viz/describe.ts';
import { diagramModel } from '../../src/viz/diagram-model.ts';
import { diagramHtml } from '../../src/viz/html-page.ts';
import { toPlain } from '../../src/viz/json-safe.ts';
import { laneOf } from '../../src/viz/lanes.ts';
import { run } from '../helpers.ts';
import { counter } from '../fixtures/counter.ts';
import { caughtBugRun } from './caught-bug.ts';
import { SHARED, TEXT_BODY, TEXT_INNER } from '../../src/viz/page-pack.ts';
import { packedData, pageData, stateOf } from './page-data.ts';

describe('the space-time diagram page', () => {
  const result = caughtBugRun();
  const trace = result.trace!;
  const model = diagramModel(result, describer(trace));
  const html = diagramHtml(model);
  const data = pageData(html);

  it('is one self-contained file: nothing loaded from elsewhere', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/\bfetch\(|XMLHttpRequest|import\(/);
    // Data cannot close its script element early: every < in it is escaped.
    expect(/id="faultline-data"[^>]*>(.*?)<\/script>/s.exec(html)![1]).not.toContain('<');
  });

  it('carries the records to highlight, once each and in order, or null when none are given', () => {
    expect(data.highlight).toBeNull();
    const lit = diagramModel(result, describer(trace), [9, 3, 9, 1]);
    expect(pageData(diagramHtml(lit)).highlight).toEqual([1, 3, 9]);
  });

  it('carries one lane per node and per client, and every event on a lane', () => {
    const config = trace[0]!;
    expect(config.k).toBe('config');
    const nodes = config.k === 'config' ? config.nodes.map((n) => n.id) : [];
    expect(data.lanes.map((l) => l.id)).toEqual([...nodes, 'c1', 'c2', 'c3']);
    expect(data.lanes.filter((l) => l.kind === 'client').map((l) => l.id)).toEqual(['c1', 'c2', 'c3']);
    const onLanes = trace.filter((r) => laneOf(r) !== undefined && r.k !== 'state');
    expect(data.events).toHaveLength(onLanes.length);
    expect(data.violation).toMatchObject({ property: result.violation!.property, eventIndex: result.violation!.eventIndex });
    expect(data.marks.some((m) => m.kind === 'violation' && m.c === data.violation!.column)).toBe(true);
  });

  it('draws each message from its send to where it arrived, dropped ones and duplicates marked', () => {
    const kinds = new Set(data.arrows.map((a) => a.kind));
    for (const k of ['msg', 'dup', 'dropped'] as const) expect(kinds).toContain(k);
    for (const a of data.arrows) {
      const from = data.events[a.from]!;
      expect(from.m).toBe(a.m);
      expect(['send', 'attempt', 'reply', 'redirect']).toContain(from.k);
      if (a.to >= 0) {
        const to = data.events[a.to]!;
        expect(to.m).toBe(a.m);
        expect(to.c).toBeGreaterThan(from.c);
      }
    }
    expect(data.regions.some((r) => r.kind === 'down')).toBe(true);
  });

  it('gives every turn the state before and after it, as the simulator recorded them', () => {
    let checked = 0;
    trace.forEach((r) => {
      if (r.k !== 'state') return;
      const turn = data.events.filter((e) => e.i === r.i && data.lanes[e.l]!.id === r.node);
      expect(turn.length).toBeGreaterThan(0);
      for (const e of turn) expect(stateOf(data, e.a)).toEqual(toPlain(r.state));
      checked++;
    });
    expect(checked).toBeGreaterThan(20);
    // Before a turn is after the previous one at that node.
    const n2 = data.events.filter((e) => data.lanes[e.l]!.id === 'n2');
    let turns = 0;
    for (let k = 1; k < n2.length; k++) {
      const e = n2[k]!;
      if (e.i === n2[k - 1]!.i || e.k === 'start' || e.k === 'restart') continue; // a (re)start's before is the initial state
      expect(e.b).toBe(n2[k - 1]!.a);
      turns++;
    }
    expect(turns).toBeGreaterThan(10);
  });
});

describe('regions', () => {
  it('shade a partition until its heal, a pause until its resume, a crash until the restart', () => {
    const faultPlan = [
      { atMs: 100, kind: 'partition' as const, groups: [['n1'], ['n2', 'n3']] },
      { atMs: 200, kind: 'pause' as const, node: 'n2' },
      { atMs: 250, kind: 'resume' as const, node: 'n2' },
      { atMs: 300, kind: 'heal' as const },
      { atMs: 400, kind: 'crash' as const, node: 'n3' },
      { atMs: 450, kind: 'restart' as const, node: 'n3' },
    ];
    const result = simulate({ protocol: counter, seed: 1, scenario: { faults: [], faultPlan, durationMs: 1_000 }, trace: 'full' });
    const m = diagramModel(result, describer(result.trace!));
    const columnAt = (kind: string, node?: string) => m.events.find((e) => e.k === kind && (node === undefined || m.lanes[e.l]!.id === node))?.c ?? m.marks.find((k) => k.kind === kind)?.c;
    const lane = (id: string) => m.lanes.findIndex((l) => l.id === id);
    expect(m.regions).toContainEqual({ l: -1, kind: 'partition', c0: columnAt('partition')!, c1: columnAt('heal')!, label: 'partition n1 | n2,n3' });
    expect(m.regions).toContainEqual({ l: lane('n2'), kind: 'paused', c0: columnAt('pause', 'n2')!, c1: columnAt('resume', 'n2')!, label: 'paused' });
    const restart = m.events.find((e) => e.k === 'start' && m.lanes[e.l]!.id === 'n3' && (e.r as { incarnation: number }).incarnation === 2)!;
    expect(m.regions).toContainEqual({ l: lane('n3'), kind: 'down', c0: columnAt('crash', 'n3')!, c1: restart.c, label: 'down' });
    expect(stateOf(m, restart.a)).toBeDefined();
    expect(restart.b).toBeGreaterThanOrEqual(0); // the initial state its start handler saw
  });
});

describe('faultline replay --html / --shiviz', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-viz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the page and the ShiViz log, and says where', async () => {
    const page = join(dir, 'c.html');
    const log = join(dir, 'c.log');
    const r = await run(['replay', 'counter', '--seed', '3', '--bug', 'local-count', '--html', page, '--shiviz', log]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/space-time diagram written to .*c\.html \(\d+ events; open it in a browser\)/);
    expect(r.stdout).toMatch(/ShiViz log written to .*c\.log \(\d+ events\); ShiViz parser regex: /);
    expect(pageData(readFileSync(page, 'utf8')).title).toBe('counter seed 3 (bug local-count)');
    expect(readFileSync(log, 'utf8')).toMatch(/^n\d \{"n\d":1\} start \[t=/);
  });

  it('cannot write into a missing directory: a usage error', async () => {
    const r = await run(['replay', 'counter', '--seed', '3', '--html', join(dir, 'no', 'such', 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*x\.html/);
  });
});

describe('the page\'s packed data', () => {
  it('expands back to the whole model: every event, text, record, arrow, message and state', () => {
    for (const result of [caughtBugRun(), simulate({ protocol: raft, seed: 1, scenario: { durationMs: 3_000 }, trace: 'full' })]) {
      const model = diagramModel(result, describer(result.trace!));
      const html = diagramHtml(model);
      expect(pageData(html)).toEqual(toPlain(model));
      // Packing takes the repeated message bodies out of the texts and records.
      const packed = packedData(html);
      expect(packed.ev.s.some((s) => s.includes(TEXT_BODY) || s.includes(TEXT_INNER))).toBe(true);
      expect(JSON.stringify(packed).length).toBeLessThan(JSON.stringify(toPlain(model)).length / 2);
      expect(packed.msg.shared!.length).toBeGreaterThan(0);
    }
  });

  it('shares nothing when a message body holds the reference key itself, and still reads back whole', () => {
    const result = caughtBugRun();
    const model = diagramModel(result, describer(result.trace!));
    const id = Number(Object.keys(model.messages)[0]);
    const odd = { ...model, messages: { ...model.messages, [id]: { ...model.messages[id]!, body: { [SHARED]: 0 } } } };
    const html = diagramHtml(odd);
    expect(packedData(html).msg.shared).toBeNull();
    expect(pageData(html).messages[id]!.body).toEqual({ [SHARED]: 0 });
    expect(pageData(html).messages).toEqual(toPlain(odd.messages));
  });

  it('a text that does not show its message body, or already holds a marker, is kept whole', () => {
    const result = caughtBugRun();
    const model = diagramModel(result, describer(result.trace!));
    const send = model.events.findIndex((e) => e.k === 'send');
    const odd = { ...model, events: model.events.map((e, k) => (k === send ? { ...e, s: `odd ${TEXT_BODY} text` } : k === send + 1 ? { ...e, s: 'no body here' } : e)) };
    const back = pageData(diagramHtml(odd));
    expect(back.events[send]!.s).toBe(`odd ${TEXT_BODY} text`);
    expect(back.events[send + 1]!.s).toBe('no body here');
  });
});
