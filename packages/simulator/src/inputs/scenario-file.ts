import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { FAULT_KINDS, isFaultKind } from '@faultline/runtime';
import { DEFAULT_FAULT_RATES } from '../fault-plan.ts';
import { DEFAULT_NETWORK } from '../network.ts';
import type { Scenario } from '../scenario.ts';
import { ConfigError } from '../config-error.ts';
import { closest } from './closest.ts';
import { errorMessage } from './error-message.ts';
import { importUserModule } from './user-module.ts';
import { isObject } from './is-object.ts';

/**
 * Loads `--scenario FILE`: a JSON file, or a module (.ts/.mts/.js/.mjs) whose default
 * export is the scenario. Checks its shape (known fields, right types) so that a typo
 * is an error instead of a silently ignored field; the simulator's `resolveConfig`
 * checks the values.
 */
export async function loadScenario(path: string, cwd: string): Promise<Scenario> {
  const value = /^\.(ts|mts|js|mjs)$/.test(extname(path)) ? await loadModule(path, cwd) : loadJson(path, cwd);
  const problems = scenarioProblems(value);
  if (problems.length > 0) throw new ConfigError(`scenario ${path}: ${problems.join('; ')}`);
  return value as Scenario;
}

async function loadModule(path: string, cwd: string): Promise<unknown> {
  const mod = await importUserModule(path, cwd, 'scenario');
  if (mod.default === undefined) throw new ConfigError(`scenario ${path} has no default export (export default { ... } as Scenario)`);
  return mod.default;
}

function loadJson(path: string, cwd: string): unknown {
  return readJsonFile(path, cwd, 'scenario');
}

/** A JSON file's value; a missing, unreadable or malformed file is one `ConfigError` line that calls it `what`. */
export function readJsonFile(path: string, cwd: string, what: string): unknown {
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new ConfigError(`${what} file not found: ${path}`);
    throw new ConfigError(`cannot read ${what} ${path}: ${errorMessage(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(`${what} ${path} is not valid JSON: ${jsonErrorWhere(errorMessage(err), text)}`);
  }
}

/** A JSON.parse message, with the line and column when it gives a position. */
function jsonErrorWhere(message: string, text: string): string {
  const m = /at position (\d+)/.exec(message);
  if (!m) return message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos).split('\n');
  return `${message} (line ${before.length}, column ${before[before.length - 1]!.length + 1})`;
}

/** The fields a scenario may have. The checks below fail to compile if `Scenario` gains one. */
const SCENARIO_KEYS = [
  'nodes',
  'network',
  'faults',
  'faultRates',
  'faultPlan',
  'maxFaultyNodes',
  'workload',
  'durationMs',
  'quietMs',
  'maxEvents',
  'ken',
  'options',
] as const satisfies readonly (keyof Scenario)[];
type MissingScenarioKey = Exclude<keyof Scenario, (typeof SCENARIO_KEYS)[number]>;
const _allScenarioKeys: [MissingScenarioKey] extends [never] ? true : MissingScenarioKey = true;

const WORKLOAD_KEYS = ['clients', 'thinkMs', 'timeoutMs', 'retries', 'maxRequests', 'clientRequests', 'clientDelayMs'] as const satisfies readonly (keyof NonNullable<Scenario['workload']>)[];
type MissingWorkloadKey = Exclude<keyof NonNullable<Scenario['workload']>, (typeof WORKLOAD_KEYS)[number]>;
const _allWorkloadKeys: [MissingWorkloadKey] extends [never] ? true : MissingWorkloadKey = true;
void _allScenarioKeys;
void _allWorkloadKeys;

type Obj = Record<string, unknown>;

/** Every way `value` is not shaped like a `Scenario` (empty if it is one). */
export function scenarioProblems(value: unknown): string[] {
  if (!isObject(value)) return ['it must be an object, e.g. { "nodes": 5, "durationMs": 20000 }'];
  const out: string[] = [];
  unknownKeys(value, SCENARIO_KEYS, '', out);
  const numbers = ['maxFaultyNodes', 'durationMs', 'quietMs', 'maxEvents'] as const;
  for (const k of numbers) if (value[k] !== undefined && typeof value[k] !== 'number') out.push(`${k} must be a number`);
  if (value.options !== undefined && !isObject(value.options)) out.push('options must be an object of protocol options, e.g. { "tickMs": 200 }');
  const nodes = value.nodes;
  if (nodes !== undefined && typeof nodes !== 'number' && !Array.isArray(nodes))
    out.push('nodes must be a count or a list of { id, joinAtMs?, contacts? }');
  if (Array.isArray(nodes))
    nodes.forEach((n, i) => {
      if (!isObject(n) || typeof n.id !== 'string') out.push(`nodes[${i}] must be { id: string, joinAtMs?, contacts? }`);
    });
  if (value.faults !== undefined) {
    if (!Array.isArray(value.faults)) out.push(`faults must be a list of fault kinds (${FAULT_KINDS.join(', ')})`);
    else
      for (const f of value.faults)
        if (typeof f !== 'string' || !isFaultKind(f)) out.push(`unknown fault kind ${JSON.stringify(f)} (valid: ${FAULT_KINDS.join(', ')})`);
  }
  if (value.ken !== undefined && typeof value.ken !== 'boolean' && !isObject(value.ken))
    out.push('ken must be true, false or { groupCommit?, fsyncMsMin?, fsyncMsMax?, options? }');
  if (value.faultPlan !== undefined && !Array.isArray(value.faultPlan)) out.push('faultPlan must be a list of fault events');
  numberRecord(value, 'network', Object.keys(DEFAULT_NETWORK), out, ['distribution', 'reorder']);
  numberRecord(value, 'faultRates', Object.keys(DEFAULT_FAULT_RATES), out);
  numberRecord(value, 'workload', WORKLOAD_KEYS, out, ['clientRequests', 'clientDelayMs']);
  // Their values are checked with the rest of the scenario (resolveConfig).
  const clientRequests = isObject(value.workload) ? value.workload.clientRequests : undefined;
  if (clientRequests !== undefined && !isObject(clientRequests)) out.push('workload.clientRequests must be an object of client ids to counts');
  const clientDelayMs = isObject(value.workload) ? value.workload.clientDelayMs : undefined;
  if (clientDelayMs !== undefined && !isObject(clientDelayMs)) out.push('workload.clientDelayMs must be an object of client ids to { operation number: ms }');
  return out;
}

function unknownKeys(obj: Obj, known: readonly string[], prefix: string, out: string[]): void {
  for (const k of Object.keys(obj))
    if (!known.includes(k)) {
      const near = closest(k, known);
      out.push(`unknown field '${prefix}${k}'${near ? ` (did you mean '${prefix}${near}'?)` : ` (known: ${known.join(', ')})`}`);
    }
}

/** `value[key]`, when present, is an object of known keys whose values are numbers (except `nonNumbers`). */
function numberRecord(value: Obj, key: string, known: readonly string[], out: string[], nonNumbers: readonly string[] = []): void {
  const v = value[key];
  if (v === undefined) return;
  if (!isObject(v)) return void out.push(`${key} must be an object`);
  unknownKeys(v, known, `${key}.`, out);
  for (const [k, x] of Object.entries(v))
    if (known.includes(k) && !nonNumbers.includes(k) && typeof x !== 'number') out.push(`${key}.${k} must be a number`);
}
