import type { CreateOptions, ShrinkableOption } from '@faultline/runtime';

/**
 * Pace settings: the periods and timeouts of a protocol's timers (and, for raft, how many
 * applied entries it lets pile up before it compacts), by name. A scenario may set them
 * through `create`'s options, and the shrinker moves them toward values that make small
 * runs (`ProtocolDefinition.shrinkOptions`). They change how often a protocol does what it
 * does, never what it does: the protocol must be correct under any value its `create`
 * accepts. A node's state holds its pace only when some setting differs from the default,
 * so a run with none set is the same run, to the trace hash, as before the setting existed.
 */
export type Pace<K extends string> = { readonly [P in K]: number };

/** A pace setting is a whole number from 1 to this (ms, or entries). */
const MAX_SETTING = 60_000;

/** The settings of `names` that `options` gives, checked: each an integer from 1 to 60,000. */
export function paceOptions<K extends string>(options: CreateOptions, names: readonly K[]): Partial<Pace<K>> {
  const out: Partial<Record<K, number>> = {};
  for (const name of names) {
    const v = options[name];
    if (v === undefined) continue;
    if (!(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_SETTING))
      throw new Error(`option ${name} must be an integer from 1 to 60,000 (ms, or entries for a count), not ${JSON.stringify(v)}`);
    out[name] = v as number;
  }
  return out;
}

/** `defaults` with `given` over them, or undefined when nothing is given (the state then keeps no pace). */
export function paceOver<K extends string>(defaults: Pace<K>, given: Partial<Pace<K>> | undefined): Pace<K> | undefined {
  return given === undefined || Object.keys(given).length === 0 ? undefined : { ...defaults, ...given };
}

/**
 * The `shrinkOptions` of a protocol's pace: for each setting of `simplest`, in its order
 * (the order the shrinker tries them in), its default from `defaults` and the value it
 * is moved toward.
 */
export function shrinkablePace<K extends string, S extends K>(defaults: Pace<K>, simplest: Pace<S>): Record<S, ShrinkableOption> {
  const out = {} as Record<S, ShrinkableOption>;
  for (const name of Object.keys(simplest) as S[]) out[name] = { default: defaults[name], simplest: simplest[name], integer: true };
  return out;
}
