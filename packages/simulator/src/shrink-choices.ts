import type { ChoiceSequence } from './choices.ts';
import type { ShrinkState } from './shrink-state.ts';

/*
 * The passes on the choice sequence, coarse to fine (the reduction of Hypothesis's
 * shrinker, on labeled streams). Coarse: every stream of a concern at its defaults at
 * once (`network/*`, `workload/*`, ...), every stream cut to the same share of its
 * length. Fine (they cost runs in proportion to the number of streams or of choices):
 * each stream dropped; each truncated to its shortest failing prefix; spans of adaptive
 * size deleted, then zeroed; each stream sorted; each value lowered (to 0, else bisected
 * or halved). A draw past a stream's end reads 0, so deleting is "the simplest from here
 * on". Each kept candidate's sequence is what the run really drew, so it ends at the
 * violation.
 */

/** The best sequence with stream `label` replaced by `values` (an empty stream is left out). */
export function withStream(choices: ChoiceSequence, label: string, values: readonly number[]): ChoiceSequence {
  const out: Record<string, readonly number[]> = {};
  for (const [k, v] of Object.entries(choices)) if (k !== label) out[k] = v;
  if (values.length > 0) out[label] = values;
  return out;
}

const groupOf = (label: string) => label.split('/')[0]!;
const stream = (s: ShrinkState, label: string): readonly number[] => s.best.choices[label] ?? [];
/** The labels of the best sequence, the longest stream first (where most is to gain). */
const labels = (s: ShrinkState): string[] =>
  Object.keys(s.best.choices).sort((a, b) => stream(s, b).length - stream(s, a).length || (a < b ? -1 : a > b ? 1 : 0));

export function dropGroups(s: ShrinkState): void {
  if (s.tryChoices({})) return;
  for (const group of [...new Set(Object.keys(s.best.choices).map(groupOf))].sort()) {
    if (s.exhausted) return;
    const kept = Object.fromEntries(Object.entries(s.best.choices).filter(([k]) => groupOf(k) !== group));
    s.tryChoices(kept);
  }
}

export function dropStreams(s: ShrinkState): void {
  for (const label of labels(s)) {
    if (s.exhausted) return;
    if (s.best.choices[label] !== undefined) s.tryChoices(withStream(s.best.choices, label, []));
  }
}

/** Every stream cut to the same share of its length (the smallest share that fails, by bisection in 1/64ths). */
export function truncateAll(s: ShrinkState): void {
  let lo = 0;
  let hi = 64;
  while (lo < hi && !s.exhausted) {
    const mid = Math.floor((lo + hi) / 2);
    const cut = Object.fromEntries(Object.entries(s.best.choices).map(([k, v]) => [k, v.slice(0, Math.floor((v.length * mid) / 64))]));
    if (s.tryChoices(cut)) hi = mid;
    else lo = mid + 1;
  }
}

/** Each stream's shortest prefix that still fails, by bisection on its length. */
export function truncateStreams(s: ShrinkState): void {
  for (const label of labels(s)) {
    let lo = 0;
    let hi = stream(s, label).length;
    while (lo < hi && !s.exhausted) {
      const mid = Math.floor((lo + hi) / 2);
      if (s.tryChoices(withStream(s.best.choices, label, stream(s, label).slice(0, mid)))) hi = Math.min(mid, stream(s, label).length);
      else lo = mid + 1;
    }
  }
}

/**
 * The largest n with `ok(n)` true, given `ok(0)`: probes 1..4, then doubles, then
 * bisects (Hypothesis's `find_integer`), so a long run of deletable values costs
 * logarithmically many runs.
 */
export function findInteger(ok: (n: number) => boolean): number {
  for (let n = 1; n <= 4; n++) if (!ok(n)) return n - 1;
  let lo = 4;
  let hi = 8;
  while (ok(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (lo + 1 < hi) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Walks each stream from its end, replacing spans starting at each position by `edit`, as long a span as still fails. */
function spans(s: ShrinkState, edit: (values: readonly number[], at: number, n: number) => readonly number[] | undefined): void {
  for (const label of labels(s)) {
    for (let at = stream(s, label).length - 1; at >= 0 && !s.exhausted; at--) {
      findInteger((n) => {
        const values = stream(s, label);
        if (n === 0) return true;
        if (s.exhausted || at + n > values.length) return false;
        const edited = edit(values, at, n);
        return edited !== undefined && s.tryChoices(withStream(s.best.choices, label, edited));
      });
      at = Math.min(at, stream(s, label).length);
    }
  }
}

export function deleteSpans(s: ShrinkState): void {
  spans(s, (v, at, n) => [...v.slice(0, at), ...v.slice(at + n)]);
}

export function zeroSpans(s: ShrinkState): void {
  spans(s, (v, at, n) => (v.slice(at, at + n).every((x) => x === 0) ? undefined : [...v.slice(0, at), ...new Array<number>(n).fill(0), ...v.slice(at + n)]));
}

export function sortStreams(s: ShrinkState): void {
  for (const label of labels(s)) {
    if (s.exhausted) return;
    const values = stream(s, label);
    const sorted = [...values].sort((a, b) => a - b);
    if (sorted.some((v, i) => v !== values[i])) s.tryChoices(withStream(s.best.choices, label, sorted));
  }
}

/** Each nonzero value to 0, else an integer bisected down, a fraction halved (up to 8 times). */
export function lowerValues(s: ShrinkState): void {
  for (const label of labels(s)) {
    for (let at = 0; at < stream(s, label).length && !s.exhausted; at++) {
      const set = (x: number) => {
        const values = stream(s, label);
        if (at >= values.length) return false;
        return s.tryChoices(withStream(s.best.choices, label, values.map((v, i) => (i === at ? x : v))));
      };
      const v = stream(s, label)[at]!;
      if (v === 0 || set(0)) continue;
      if (Number.isInteger(v)) {
        let lo = 1;
        let hi = v;
        while (lo < hi && !s.exhausted) {
          const mid = Math.floor((lo + hi) / 2);
          if (set(mid)) hi = mid;
          else lo = mid + 1;
        }
      } else for (let k = 0, x = v / 2; k < 8 && !s.exhausted && set(x); k++) x /= 2;
    }
  }
}

/** The values `raiseValues` tries in place of a smaller one, largest last. */
const RAISED = [0.5, 0.9, 0.99, 1] as const;

/**
 * Each value below 1 raised (to 0.5, 0.9, 0.99, then 1: the first that fails smaller
 * stays). The other passes only lower, but a fixed think time or a heartbeat period leaves
 * some failures only longer ways to happen: one slow message (a latency raised) can take
 * the place of the several operations or timer rounds that made the same order of events.
 * Where an integer is read a raised 0 reads as 0 (a fraction) or picks the next item (1).
 * A network stream is never raised to 1, a drop or a duplicate: measured, drops made some
 * runs shorter (group-communication causal-on-receipt 137 -> 74 events) but the smallest
 * ones no shorter and their slices longer (epidemic-collection remove-without-tombstone,
 * 12 events either way: 28 records with no drop, 31 with three, each drop a record and a
 * fault of the slice). Kept only when the run gets smaller, as every candidate.
 */
export function raiseValues(s: ShrinkState): void {
  for (const label of labels(s)) {
    for (let at = 0; at < stream(s, label).length && !s.exhausted; at++) {
      for (const x of RAISED) {
        const values = stream(s, label);
        if (s.exhausted || at >= values.length) break;
        if (values[at]! >= x || (x >= 1 && label.startsWith('network/'))) continue;
        if (s.tryChoices(withStream(s.best.choices, label, values.map((v, i) => (i === at ? x : v))))) break;
      }
    }
  }
}
