import type { ChoiceSequence } from './choices.ts';
import { findInteger } from './shrink-choices.ts';
import type { ShrinkState } from './shrink-state.ts';

/**
 * Two coarse passes that keep every choice in place but make whole kinds of them simpler at
 * once, so a run keeps its shape while it loses noise and time (a few runs each):
 * - `quietNetwork`: every "yes" of the network streams (a drop, a duplicate) becomes "no";
 * - `compressTime`: every unit value (a latency, a think time, a `ctx.random()`) of a
 *   concern is scaled down by the same power of two, as far as the run still fails: lower
 *   latencies and think times pull the violation earlier, past fewer timer ticks.
 * Deleting or zeroing a stream (`dropGroups`) is all or nothing; these keep the drop that
 * matters when it is a latency that does not, and the reverse.
 */
/** The concerns whose unit values `compressTime` scales, one at a time, then all together. */
const CONCERNS = ['network', 'workload', 'node'] as const;
/** Scaling stops at 2^-MAX_HALVINGS (about a thousandth): below that a value reads as nearly 0 anyway. */
const MAX_HALVINGS = 10;

const concernOf = (label: string) => label.split('/')[0]!;

/** `choices` with `edit` applied to every value of the streams of the concerns in `concerns`. */
export function mapConcerns(choices: ChoiceSequence, concerns: ReadonlySet<string>, edit: (v: number) => number): ChoiceSequence {
  const out: Record<string, readonly number[]> = {};
  for (const [label, values] of Object.entries(choices)) out[label] = concerns.has(concernOf(label)) ? values.map(edit) : values;
  return out;
}

/** A unit value strictly inside (0, 1); 0 and 1 are also flips and integer picks, which scaling must not touch. */
const isUnit = (v: number) => v > 0 && v < 1;

export function quietNetwork(s: ShrinkState): void {
  const network = new Set(['network']);
  if (!Object.entries(s.best.choices).some(([label, values]) => concernOf(label) === 'network' && values.some((v) => v >= 1))) return;
  s.tryChoices(mapConcerns(s.best.choices, network, (v) => (v >= 1 ? 0 : v)));
}

export function compressTime(s: ShrinkState): void {
  for (const concerns of [...CONCERNS.map((c) => [c]), [...CONCERNS]]) {
    if (s.exhausted) return;
    const set = new Set<string>(concerns);
    if (!Object.entries(s.best.choices).some(([label, values]) => set.has(concernOf(label)) && values.some(isUnit))) continue;
    // Each trial scales the sequence this pass started from, so factors do not compound.
    const from = s.best.choices;
    findInteger((n) => n <= MAX_HALVINGS && !s.exhausted && s.tryChoices(mapConcerns(from, set, (v) => (isUnit(v) ? v / 2 ** n : v))));
  }
}
