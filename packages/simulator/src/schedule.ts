import type { ProtocolDefinition } from '@faultline/runtime';
import { ConfigError } from './config-error.ts';
import type { StrategyOptions } from './explore/strategy.ts';
import type { Scenario, SimOptions } from './scenario.ts';

/**
 * A schedule: everything that decides one run, as JSON, so that it replays exactly. The
 * shrinker writes one for each shrunk failure: its scenario has the generator off
 * (`faults: []`), the fault plan explicit, the network as it was resolved, and the
 * workload and duration the shrinker settled on (Ken, when on, is in the scenario too).
 */
export interface Schedule {
  readonly faultline: 'schedule';
  readonly version: 1;
  /** The protocol's `name`. */
  readonly protocol: string;
  readonly seed: number | string;
  readonly bug: string | null;
  /** The violated property the schedule reproduces, for the reader (replay checks nothing). */
  readonly property?: string;
  readonly scenario: Scenario;
  /** How the run picked its events, when not `random` (e.g. a PCT failure's depth and steps). */
  readonly strategy?: StrategyOptions;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const KEYS = ['faultline', 'version', 'protocol', 'seed', 'bug', 'property', 'scenario', 'strategy'];

/** Every way `value` is not shaped like a `Schedule` (its scenario's fields are checked when it runs). */
export function scheduleProblems(value: unknown): string[] {
  if (!isObject(value)) return ['it must be a JSON object written by faultline test ({ "faultline": "schedule", ... })'];
  const out: string[] = [];
  if (value.faultline !== 'schedule') out.push('"faultline" must be "schedule"');
  if (value.version !== 1) out.push(`unsupported version ${JSON.stringify(value.version)} (this faultline reads version 1)`);
  if (typeof value.protocol !== 'string' || value.protocol === '') out.push('"protocol" must be a protocol name');
  if (typeof value.seed !== 'string' && !Number.isSafeInteger(value.seed)) out.push('"seed" must be an integer or a string');
  if (value.bug !== null && typeof value.bug !== 'string') out.push('"bug" must be a bug variant name or null');
  if (value.property !== undefined && typeof value.property !== 'string') out.push('"property" must be a string');
  if (!isObject(value.scenario)) out.push('"scenario" must be an object');
  if (value.strategy !== undefined && !isObject(value.strategy)) out.push('"strategy" must be an object such as { "kind": "pct", "depth": 3, "steps": 2000 }');
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
  };
}
