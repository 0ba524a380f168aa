import type { ProtocolDefinition } from '@faultline/runtime';
import type { ChoiceSequence } from './choices.ts';
import { ConfigError } from './config-error.ts';
import { isObject } from './inputs/is-object.ts';
import type { StrategyOptions } from './explore/strategy.ts';
import type { Scenario, SimOptions } from './scenario.ts';

/** The schedule format this faultline writes; it reads this one and version 1. */
export const SCHEDULE_VERSION = 2;

/**
 * A schedule: everything that decides one run, as JSON, so that it replays exactly. The
 * shrinker writes one for each shrunk failure: its scenario has the generator off
 * (`faults: []`), the fault plan explicit, the network as it was resolved, and the
 * workload and duration the shrinker settled on (Ken, when on, is in the scenario too).
 * Version 2 adds `choices`, the run's choice sequence (see docs/simulator.md); a version 1
 * file (no choices: the seed draws everything) still replays as it did.
 */
export interface Schedule {
  readonly faultline: 'schedule';
  readonly version: 1 | 2;
  /** The protocol's `name`. */
  readonly protocol: string;
  readonly seed: number | string;
  readonly bug: string | null;
  /** The violated property the schedule reproduces, for the reader (replay checks nothing). */
  readonly property?: string;
  readonly scenario: Scenario;
  /** How the run picked its events, when not `random` (e.g. a PCT failure's depth and steps). */
  readonly strategy?: StrategyOptions;
  /** Version 2: every choice the run drew, per stream; replayed instead of the seed's draws. */
  readonly choices?: ChoiceSequence;
}

const KEYS = ['faultline', 'version', 'protocol', 'seed', 'bug', 'property', 'scenario', 'strategy', 'choices'];

/** Every way `value` is not shaped like a `Schedule` (its scenario's fields are checked when it runs). */
export function scheduleProblems(value: unknown): string[] {
  if (!isObject(value)) return ['it must be a JSON object written by faultline test ({ "faultline": "schedule", ... })'];
  const out: string[] = [];
  if (value.faultline !== 'schedule') out.push('"faultline" must be "schedule"');
  if (value.version !== 1 && value.version !== 2)
    out.push(`unsupported version ${JSON.stringify(value.version)} (this faultline reads versions 1 and 2: a newer faultline wrote it?)`);
  if (typeof value.protocol !== 'string' || value.protocol === '') out.push('"protocol" must be a protocol name');
  if (typeof value.seed !== 'string' && !Number.isSafeInteger(value.seed)) out.push('"seed" must be an integer or a string');
  if (value.bug !== null && typeof value.bug !== 'string') out.push('"bug" must be a bug variant name or null');
  if (value.property !== undefined && typeof value.property !== 'string') out.push('"property" must be a string');
  if (!isObject(value.scenario)) out.push('"scenario" must be an object');
  if (value.strategy !== undefined && !isObject(value.strategy)) out.push('"strategy" must be an object such as { "kind": "pct", "depth": 3, "steps": 2000 }');
  if (value.choices !== undefined) {
    if (value.version === 1) out.push('"choices" needs version 2');
    out.push(...choicesProblems(value.choices));
  }
  for (const k of Object.keys(value)) if (!KEYS.includes(k)) out.push(`unknown field '${k}'`);
  return out;
}

/** The simulator options that replay `schedule` with `protocol`; throws `ConfigError` if it names another protocol. */
export function scheduleOptions(protocol: ProtocolDefinition, schedule: Schedule): Omit<SimOptions, 'trace'> {
  if (schedule.protocol !== protocol.name)
    throw new ConfigError(`the schedule is for protocol ${schedule.protocol}, not ${protocol.name}`);
  return {
    protocol,
    seed: schedule.seed,
    ...(schedule.bug !== null ? { bug: schedule.bug } : {}),
    scenario: schedule.scenario,
    ...(schedule.strategy !== undefined ? { strategy: schedule.strategy } : {}),
    ...(schedule.choices !== undefined ? { choices: schedule.choices } : {}),
  };
}

/** Every way `value` is not a choice sequence: an object of stream label -> list of numbers >= 0. */
export function choicesProblems(value: unknown): string[] {
  if (!isObject(value)) return ['"choices" must be an object of stream label -> list of numbers, such as { "network/n1>n2": [0.25, 0] }'];
  const out: string[] = [];
  for (const [label, values] of Object.entries(value)) {
    if (!Array.isArray(values)) out.push(`choices["${label}"] must be a list of numbers`);
    else {
      const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0);
      if (bad !== -1) out.push(`choices["${label}"][${bad}] must be a number >= 0, not ${JSON.stringify(values[bad])}`);
    }
  }
  return out;
}
