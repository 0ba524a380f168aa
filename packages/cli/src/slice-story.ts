import { laneOf, type CausalSlice, type TraceRecord } from '@faultline/simulator';
import type { ChalkInstance } from 'chalk';
import { count, grouped, showJson, simMs, truncate } from './format.ts';
import { describer } from './viz/describe.ts';

/** State fields a step lists before it says how many more changed. */
const SHOWN_FIELDS = 6;
/** A changed field's old or new value is cut at this many characters. */
const VALUE_WIDTH = 40;

/**
 * A causal slice as a short numbered story: one step per simulation event and lane in the
 * slice (a node's turn, a client's action, a fault), in trace order. A step names its lane
 * and time, then what happened there as the trace shows it (received, sent, timer, fault,
 * ...) and, for a node's turn, the state fields the turn changed, `field: old -> new`
 * (paths into the state, `log: +2 [...]` for an array that only grew). The violation ends it.
 * Lines are cut at `width` characters. `of` names the run in the title (" of the shrunk run").
 */
export function sliceStory(trace: readonly TraceRecord[], slice: CausalSlice, c: ChalkInstance, width: number, of = ''): string[] {
  const describe = describer(trace);
  const texts = trace.map((r) => describe(r));
  const inSlice = new Set(slice.records);
  const previousState = new Map<string, unknown>();
  const lines = [c.bold(`causal slice${of}: ${count(slice.records.length, 'record')} of ${grouped(trace.length)}, the ones the violation depends on`)];
  let step = 0;
  let open: { i: number; lane: string | undefined } | undefined;
  const number = (n: number) => `${String(n).padStart(3)}.`;
  const indent = ' '.repeat(5);
  trace.forEach((r, k) => {
    const stateBefore = r.k === 'state' || r.k === 'start' ? previousState.get(r.node) : undefined;
    if ((r.k === 'state' || r.k === 'start') && r.state !== undefined) previousState.set(r.node, r.state);
    if (!inSlice.has(k) || r.k === 'config') return;
    if (r.k === 'violation') {
      lines.push(c.red.bold(truncate(`${indent}✗ ${r.property}: ${r.message}`, width)));
      return;
    }
    const lane = laneOf(r);
    const head = open === undefined || open.i !== r.i || open.lane !== lane;
    if (head) open = { i: r.i, lane };
    if (r.k === 'state') {
      const changes = r.state === undefined ? ['(state not recorded)'] : stateChanges(stateBefore, r.state);
      if (changes.length > 0) lines.push(truncate(`${indent}${c.dim('state:')} ${changes.join('; ')}`, width));
      return;
    }
    const text = texts[k]!;
    if (head) {
      step++;
      const where = `${number(step)} ${(lane ?? '').padEnd(4)} ${c.dim(`${simMs(r.t)} ms`)}  `;
      lines.push(truncate(`${where}${text}`, width + where.length - visibleLength(where)));
    } else lines.push(truncate(`${indent}${text}`, width));
  });
  return lines;
}

/** Characters a string shows, without its colour codes. */
function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/**
 * What changed from `before` to `after`, compactly: changed leaves as `path: old -> new`
 * (objects are followed two levels down), an array that only grew as `path: +n [new items]`.
 */
export function stateChanges(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  diff(before, after, '', 0, out);
  return out.length > SHOWN_FIELDS ? [...out.slice(0, SHOWN_FIELDS), `+${out.length - SHOWN_FIELDS} more`] : out;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const value = (v: unknown) => truncate(showJson(v), VALUE_WIDTH);

function diff(a: unknown, b: unknown, path: string, depth: number, out: string[]): void {
  if (showJson(a) === showJson(b)) return;
  const name = path === '' ? 'state' : path;
  if (isObject(a) && isObject(b) && depth < 2) {
    for (const key of Object.keys(b)) diff(a[key], b[key], path === '' ? key : `${path}.${key}`, depth + 1, out);
    for (const key of Object.keys(a)) if (!(key in b)) out.push(`${path === '' ? key : `${path}.${key}`}: removed`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && b.length > a.length && showJson(b.slice(0, a.length)) === showJson(a)) {
    out.push(`${name}: +${b.length - a.length} ${value(b.slice(a.length))}`);
    return;
  }
  out.push(`${name}: ${a === undefined ? 'unset' : value(a)} -> ${value(b)}`);
}
