import type { DiagramModel } from './diagram-model.ts';
import { toPlain } from './json-safe.ts';

/**
 * The diagram model in the compact form a page carries; the page's `faultlineExpand`
 * (page/unpack-data.js) turns it back into the model, as plain JSON data. Measured on raft
 * (60 s simulated, 90,009 events), the model's JSON was 50.5 MB, of which the events' texts
 * 15 MB, their records 14.5 MB and message bodies 8 MB: every message body three times (in
 * the send record, in the send's and the delivery's text, and in the message table), and
 * every event's time, index and kind twice. Packed, each is there once:
 * - events are columns (arrays of numbers, deltas where they only grow); times are a table
 *   of the distinct times, each event the step to its time's place in it;
 * - a record keeps only what its event's columns do not say (no `i`, `t`, `k` unless it
 *   differs, no `msg` on a send: it is the message's body);
 * - a text that shows its message's body (or, under Ken, the body's `msg`) as JSON holds a
 *   marker there instead (TEXT_BODY, TEXT_INNER; a text that holds a marker character
 *   itself is kept whole and listed in `raw`);
 * - a message's sender and send event are its send's; arrows' message ids are their send's;
 * - a part of a message body (an object or list of at least SHARED_MIN characters of JSON)
 *   that occurs again is stored once, in `msg.shared`, and referred to as `{ [SHARED]: n }`
 *   (raft's 60 s run: 5.5 MB of Ken-wrapped messages, 1.1 MB of them distinct; the log
 *   entries in AppendEntries 3.6 MB, 79 KB distinct). When a body itself holds the key
 *   SHARED, nothing is shared (`msg.shared` is null), so no reference can be mistaken.
 */
export const TEXT_BODY = '\u0000';
export const TEXT_INNER = '\u0001';
export const SHARED = '\u0002';
const SHARED_MIN = 24;

export interface PackedModel {
  readonly v: 1;
  readonly head: Omit<DiagramModel, 'events' | 'arrows' | 'messages'>;
  readonly kinds: readonly string[];
  readonly times: readonly number[];
  readonly ev: {
    readonly c: readonly number[];
    readonly l: readonly number[];
    readonly k: readonly number[];
    readonly t: readonly number[];
    readonly i: readonly number[];
    readonly b: readonly number[];
    readonly a: readonly number[];
    /** Message id, -1 for none. */
    readonly m: readonly number[];
    readonly s: readonly string[];
    /** Events whose text held a marker character itself: kept whole, not expanded. */
    readonly raw: readonly number[];
    readonly r: readonly Record<string, unknown>[];
  };
  /** Messages in send order: id and send event (deltas), destination, body. */
  readonly msg: { readonly id: readonly number[]; readonly send: readonly number[]; readonly to: readonly string[]; readonly body: readonly unknown[]; readonly shared: readonly unknown[] | null };
  readonly arrows: { readonly from: readonly number[]; readonly to: readonly number[]; readonly toLane: readonly number[]; readonly kind: readonly number[] };
}

const ARROW_KINDS = ['msg', 'dup', 'dropped', 'dropped-down'] as const;

const deltas = (xs: readonly number[]): number[] => xs.map((x, k) => (k === 0 ? x : x - xs[k - 1]!));

/** `text` with the first occurrence of `json` replaced by `marker`, or undefined when it does not occur (or the text already holds a marker). */
function templated(text: string, json: string, marker: string): string | undefined {
  if (json.length < 3 || text.includes(TEXT_BODY) || text.includes(TEXT_INNER)) return undefined;
  const at = text.indexOf(json);
  return at < 0 ? undefined : text.slice(0, at) + marker + text.slice(at + json.length);
}

/** Values with repeated parts stored once (see SHARED): the values with references, and the table they refer to. */
function shareParts(values: readonly unknown[]): { values: unknown[]; shared: unknown[] | null } {
  if (values.some((v) => JSON.stringify(v)?.includes(JSON.stringify(SHARED).slice(1, -1)))) return { values: [...values], shared: null };
  const shared: unknown[] = [];
  const index = new Map<string, number>();
  const share = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const json = JSON.stringify(v);
    const known = index.get(json);
    if (known !== undefined) return { [SHARED]: known };
    const inner = Array.isArray(v) ? v.map(share) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, share(x)]));
    if (json.length < SHARED_MIN) return inner;
    index.set(json, shared.push(inner) - 1);
    return { [SHARED]: shared.length - 1 };
  };
  return { values: values.map(share), shared };
}

export function packModel(model: DiagramModel): PackedModel {
  const { events, arrows, messages, ...head } = model;
  const kinds: string[] = [];
  const kindIndex = new Map<string, number>();
  const kindOf = (k: string) => {
    let n = kindIndex.get(k);
    if (n === undefined) kindIndex.set(k, (n = kinds.push(k) - 1));
    return n;
  };
  const times: number[] = [];
  const timeIndex: number[] = [];
  const bodies = new Map<number, { body: unknown; json: string; inner?: string }>();
  const msgIds = Object.keys(messages).map(Number).sort((a, b) => messages[a]!.send - messages[b]!.send);
  for (const id of msgIds) {
    const body = toPlain(messages[id]!.body);
    const inner = body !== null && typeof body === 'object' && 'msg' in body ? JSON.stringify((body as { msg: unknown }).msg) : undefined;
    bodies.set(id, { body, json: JSON.stringify(body), ...(inner !== undefined ? { inner } : {}) });
  }
  const s: string[] = [];
  const raw: number[] = [];
  const r: Record<string, unknown>[] = [];
  events.forEach((e, n) => {
    if (e.s.includes(TEXT_BODY) || e.s.includes(TEXT_INNER)) raw.push(n);
    if (times.length === 0 || times[times.length - 1] !== e.t) times.push(e.t);
    timeIndex.push(times.length - 1);
    const { i: _i, t: _t, k, ...rest } = toPlain(e.r) as Record<string, unknown>;
    const m = e.m === undefined ? undefined : bodies.get(e.m);
    if (k === 'send' && m !== undefined && JSON.stringify(rest.msg) === m.json) delete rest.msg;
    r.push(k === e.k ? rest : { k, ...rest });
    s.push((m && (templated(e.s, m.json, TEXT_BODY) ?? (m.inner !== undefined ? templated(e.s, m.inner, TEXT_INNER) : undefined))) ?? e.s);
  });
  return {
    v: 1,
    head: toPlain(head) as PackedModel['head'],
    kinds: (events.forEach((e) => kindOf(e.k)), kinds),
    times,
    ev: {
      c: deltas(events.map((e) => e.c)),
      l: events.map((e) => e.l),
      k: events.map((e) => kindIndex.get(e.k)!),
      t: deltas(timeIndex),
      i: deltas(events.map((e) => e.i)),
      b: events.map((e) => e.b),
      a: events.map((e) => e.a),
      m: events.map((e) => e.m ?? -1),
      s,
      raw,
      r,
    },
    msg: (() => {
      const { values, shared } = shareParts(msgIds.map((id) => bodies.get(id)!.body));
      return { id: deltas(msgIds), send: deltas(msgIds.map((id) => messages[id]!.send)), to: msgIds.map((id) => messages[id]!.to), body: values, shared };
    })(),
    arrows: {
      from: arrows.map((a) => a.from),
      to: arrows.map((a) => a.to),
      toLane: arrows.map((a) => a.toLane),
      kind: arrows.map((a) => ARROW_KINDS.indexOf(a.kind)),
    },
  };
}
