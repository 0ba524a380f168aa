import {
  NO_WORKLOAD,
  workloadProblems,
  isFaultKind,
  nodeIds,
  type FaultKind,
  type CreateOptions,
  type NodeSpec,
  type ProtocolDefinition,
  type WorkloadSpec,
} from '@faultline/runtime';
import type { ChoiceSequence } from './choices.ts';
import { ConfigError } from './config-error.ts';
import { isObject } from './inputs/is-object.ts';
import { kenSettleMs, resolveKen, type KenSimConfig, type ResolvedKen } from './ken-config.ts';
import { DEFAULT_FAULT_RATES, planProblems, sortPlan, type FaultEvent, type FaultRates } from './fault-plan.ts';
import { DEFAULT_NETWORK, networkProblems, type NetworkConfig } from './network.ts';
import { resolveStrategy, type ResolvedStrategy, type StrategyOptions } from './explore/strategy.ts';

/** A fault scenario: everything about a run but the protocol, the seed and the bug. */
export interface Scenario {
  readonly nodes?: number | readonly NodeSpec[];
  readonly network?: Partial<NetworkConfig>;
  /** Fault kinds the generator draws from (default: the protocol's fault model). */
  readonly faults?: readonly FaultKind[];
  readonly faultRates?: Partial<FaultRates>;
  /** Explicit faults, applied in addition to generated ones (set `faults: []` for only these). */
  readonly faultPlan?: readonly FaultEvent[];
  readonly maxFaultyNodes?: number;
  readonly workload?: WorkloadOverrides;
  readonly durationMs?: number;
  /** Quiet time after faults end, before `eventually` properties are checked (with Ken, at least 5 s by default: see `kenSettleMs`). */
  readonly quietMs?: number;
  /** A run that processes more events than this stops with a violation (a livelock guard). */
  readonly maxEvents?: number;
  /** Run every node under the Ken layer, with a simulated disk that survives crashes. */
  readonly ken?: boolean | KenSimConfig;
  /** Protocol options, passed to its `create` with the bug (as a deployment's `protocol.options`); the shrinker sets those the protocol declares (`shrinkOptions`). */
  readonly options?: { readonly [option: string]: unknown };
}

/** A scenario's changes to the protocol's workload. */
export interface WorkloadOverrides extends Partial<Pick<WorkloadSpec, 'clients' | 'thinkMs' | 'timeoutMs' | 'retries'>> {
  /** At most this many operations over all clients (default: no cap; the shrinker sets it). */
  readonly maxRequests?: number;
  /** At most this many operations from each client named (0: the client issues none); the shrinker sets it. */
  readonly clientRequests?: { readonly [client: string]: number };
  /**
   * Per client, operation n (counted from 0, as the client issues them) is issued this many
   * ms later than it would be (default 0): `{ "c2": { "0": 250 } }` starts c2 250 ms late.
   * The shrinker sets it when it leaves an operation out, so that the next one keeps its time.
   */
  readonly clientDelayMs?: { readonly [client: string]: { readonly [op: string]: number } };
}

export type TraceMode = 'full' | 'hash' | 'none';

export interface SimOptions {
  readonly protocol: ProtocolDefinition;
  readonly seed: number | string;
  readonly bug?: string;
  readonly scenario?: Scenario;
  /** Shorthands that override the scenario's fields of the same name. */
  readonly faults?: readonly FaultKind[];
  readonly durationMs?: number;
  readonly ken?: boolean | KenSimConfig;
  /** `full` keeps every trace record; `hash` only hashes them (default); `none` skips both. */
  readonly trace?: boolean | TraceMode;
  /** How the next event is picked: `random` (default: earliest first) or `pct` (see docs/exploration.md). */
  readonly strategy?: StrategyOptions;
  /** Replay these choices instead of drawing from the seed (see `ChoiceSequence`); the result carries what was drawn. */
  readonly choices?: ChoiceSequence;
  /** Record the run's choices in `SimResult.choices`. */
  readonly recordChoices?: boolean;
}

export interface ResolvedNode {
  readonly id: string;
  readonly startMs: number;
  readonly cluster: readonly string[];
}

/** A scenario with every default filled in and every field checked. */
export interface ResolvedConfig {
  readonly seed: string;
  readonly bug: string | undefined;
  /** The scenario's protocol options (undefined: none given). */
  readonly options: { readonly [option: string]: unknown } | undefined;
  readonly nodes: readonly ResolvedNode[];
  readonly network: NetworkConfig;
  readonly faults: readonly FaultKind[];
  readonly rates: FaultRates;
  readonly explicitPlan: readonly FaultEvent[];
  readonly maxFaultyNodes: number;
  readonly workload: WorkloadSpec;
  /** The cap on operations over all clients; undefined: none. */
  readonly maxRequests: number | undefined;
  /** Per-client caps on operations; undefined: none. */
  readonly clientRequests: { readonly [client: string]: number } | undefined;
  /** Per client, the extra ms before its operation n; undefined: none. */
  readonly clientDelayMs: { readonly [client: string]: { readonly [op: string]: number } } | undefined;
  readonly durationMs: number;
  readonly quietMs: number;
  readonly maxEvents: number;
  readonly trace: TraceMode;
  /** Undefined when Ken is off. */
  readonly ken: ResolvedKen | undefined;
  readonly strategy: ResolvedStrategy;
}

const DEFAULT_DURATION_MS = 10_000;
const DEFAULT_QUIET_MS = 5_000;
const DEFAULT_MAX_EVENTS = 5_000_000;

function traceMode(t: SimOptions['trace']): TraceMode {
  if (t === undefined) return 'hash';
  if (t === true) return 'full';
  if (t === false) return 'none';
  if (t === 'full' || t === 'hash' || t === 'none') return t;
  throw new ConfigError(`trace must be true, false, 'full', 'hash' or 'none', not ${JSON.stringify(t)}`);
}

function resolveNodes(spec: number | readonly NodeSpec[]): ResolvedNode[] {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 1 || spec > 1000) throw new ConfigError(`nodes must be an integer from 1 to 1000, not ${spec}`);
    const ids = nodeIds(spec);
    return ids.map((id) => ({ id, startMs: 0, cluster: ids }));
  }
  if (!Array.isArray(spec) || spec.length === 0) throw new ConfigError('nodes must be a count or a non-empty list of { id, joinAtMs?, contacts? }');
  const ids = spec.map((n) => n.id);
  const seen = new Set<string>();
  for (const id of ids) {
    if (typeof id !== 'string' || id === '') throw new ConfigError('every node needs a non-empty string id');
    if (seen.has(id)) throw new ConfigError(`node id ${id} appears twice`);
    seen.add(id);
  }
  const initial = spec.filter((n) => n.joinAtMs === undefined).map((n) => n.id);
  if (initial.length === 0) throw new ConfigError('at least one node must start at time 0 (no joinAtMs)');
  return spec.map((n) => {
    if (n.joinAtMs === undefined) return { id: n.id, startMs: 0, cluster: initial };
    if (!(n.joinAtMs >= 0)) throw new ConfigError(`node ${n.id}: joinAtMs must be a number >= 0`);
    const contacts: readonly string[] = n.contacts ?? [initial[0]!];
    for (const c of contacts) if (!seen.has(c)) throw new ConfigError(`node ${n.id}: unknown contact ${c}`);
    return { id: n.id, startMs: n.joinAtMs, cluster: [n.id, ...contacts.filter((c) => c !== n.id)] };
  });
}

function positive(name: string, v: number, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
    throw new ConfigError(`${name} must be a ${allowZero ? 'number >= 0' : 'positive number'}, not ${JSON.stringify(v)}`);
  return v;
}

/** The network a set of fault kinds implies, before a scenario's explicit overrides. */
export function networkFor(faults: readonly FaultKind[], rates: FaultRates): NetworkConfig {
  let n: NetworkConfig = DEFAULT_NETWORK;
  if (faults.includes('drop')) n = { ...n, dropRate: rates.dropRate };
  if (faults.includes('duplicate')) n = { ...n, duplicateRate: rates.duplicateRate };
  if (faults.includes('reorder')) n = { ...n, reorder: true, latencyMsMax: Math.max(n.latencyMsMax, 30) };
  if (faults.includes('delay'))
    n = { ...n, distribution: 'exponential', latencyMsMax: rates.delayMsMax, latencyMsMean: rates.delayMsMean };
  return n;
}

/** Fills in defaults from the protocol and checks everything; throws `ConfigError`. */
export function resolveConfig(o: SimOptions): ResolvedConfig {
  const p = o.protocol;
  const s = o.scenario ?? {};
  if (o.bug !== undefined && !p.bugs.some((b) => b.name === o.bug)) {
    const known = p.bugs.map((b) => b.name).join(', ') || 'none';
    throw new ConfigError(`protocol ${p.name} has no bug variant '${o.bug}' (known: ${known})`);
  }
  if (typeof o.seed !== 'string' && !Number.isSafeInteger(o.seed)) throw new ConfigError(`seed must be an integer or a string, not ${o.seed}`);
  const faults = o.faults ?? s.faults ?? p.faults;
  for (const f of faults) if (!isFaultKind(f)) throw new ConfigError(`unknown fault kind '${f}'`);
  const rates: FaultRates = { ...DEFAULT_FAULT_RATES, ...s.faultRates };
  for (const [k, v] of Object.entries(rates)) positive(`faultRates.${k}`, v, true);
  const network: NetworkConfig = { ...networkFor(faults, rates), ...s.network };
  const netProblems = networkProblems(network);
  if (netProblems.length > 0) throw new ConfigError(`network: ${netProblems.join('; ')}`);
  const nodes = resolveNodes(s.nodes ?? p.nodes ?? 3);
  const options = protocolOptions(p, o.bug, s.options, nodes);
  const explicitPlan = sortPlan(s.faultPlan ?? []);
  const planIssues = planProblems(explicitPlan, nodes.map((n) => n.id));
  if (planIssues.length > 0) throw new ConfigError(planIssues.join('; '));
  const { maxRequests, clientRequests, clientDelayMs, ...workloadOverrides } = s.workload ?? {};
  const workload: WorkloadSpec = { ...(p.workload ?? NO_WORKLOAD), ...workloadOverrides };
  if (maxRequests !== undefined && !(Number.isInteger(maxRequests) && maxRequests >= 0))
    throw new ConfigError(`workload.maxRequests must be an integer >= 0, not ${JSON.stringify(maxRequests)}`);
  if (clientRequests !== undefined) {
    if (clientRequests === null || typeof clientRequests !== 'object' || Array.isArray(clientRequests))
      throw new ConfigError('workload.clientRequests must be an object of client ids to counts, e.g. { "c2": 0 }');
    for (const [client, n] of Object.entries(clientRequests))
      if (!(Number.isInteger(n) && n >= 0)) throw new ConfigError(`workload.clientRequests.${client} must be an integer >= 0, not ${JSON.stringify(n)}`);
  }
  if (clientDelayMs !== undefined) clientDelayProblems(clientDelayMs);
  const workloadIssues = workloadProblems(workload);
  if (workloadIssues.length > 0) throw new ConfigError(workloadIssues.join('; '));
  const maxFaultyNodes = s.maxFaultyNodes ?? p.maxFaultyNodes ?? Math.floor((nodes.length - 1) / 2);
  positive('maxFaultyNodes', maxFaultyNodes, true);
  const ken = resolveKen(o.ken ?? s.ken ?? p.ken, nodes.map((n) => n.id));
  const quietMs = positive('quietMs', s.quietMs ?? p.quietMs ?? DEFAULT_QUIET_MS, true);
  return {
    seed: String(o.seed),
    bug: o.bug,
    options,
    nodes,
    network,
    faults,
    rates,
    explicitPlan,
    maxFaultyNodes,
    workload,
    maxRequests,
    clientRequests,
    clientDelayMs,
    durationMs: positive('durationMs', o.durationMs ?? s.durationMs ?? p.durationMs ?? DEFAULT_DURATION_MS),
    quietMs: ken === undefined ? quietMs : Math.max(quietMs, kenSettleMs(ken) + 500),
    maxEvents: positive('maxEvents', s.maxEvents ?? DEFAULT_MAX_EVENTS),
    trace: traceMode(o.trace),
    ken,
    strategy: resolveStrategy(o.strategy),
  };
}

/** The options `create` gets on every node: the scenario's, the bug, and the nodes present at start. */
export function createOptions(c: Pick<ResolvedConfig, 'options' | 'bug' | 'nodes'>): CreateOptions {
  return { ...c.options, bug: c.bug, initialNodes: c.nodes.filter((n) => n.startMs === 0).map((n) => n.id) };
}

/** Checks a scenario's protocol options: an object the protocol's `create` accepts (its error, as a `ConfigError`). */
function protocolOptions(p: ProtocolDefinition, bug: string | undefined, options: unknown, nodes: readonly ResolvedNode[]): ResolvedConfig['options'] {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ConfigError('options must be an object of protocol options, e.g. { "tickMs": 200 }');
  const given = options as { readonly [option: string]: unknown };
  try {
    p.create(createOptions({ options: given, bug, nodes }));
  } catch (err) {
    throw new ConfigError(`protocol ${p.name}: ${(err as Error).message}`);
  }
  return given;
}

/** Throws a ConfigError unless `delays` maps client ids to objects of operation numbers (integers >= 0) to ms (>= 0). */
function clientDelayProblems(delays: unknown): void {
  const shape = 'workload.clientDelayMs must map client ids to objects of operation numbers to delays in ms, e.g. { "c2": { "0": 250 } }';
  if (!isObject(delays)) throw new ConfigError(shape);
  for (const [client, ops] of Object.entries(delays)) {
    if (!isObject(ops)) throw new ConfigError(shape);
    for (const [op, ms] of Object.entries(ops)) {
      if (!/^(0|[1-9][0-9]*)$/.test(op)) throw new ConfigError(`workload.clientDelayMs.${client}: ${JSON.stringify(op)} is not an operation number (an integer >= 0)`);
      if (!(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)) throw new ConfigError(`workload.clientDelayMs.${client}.${op} must be a number of ms >= 0, not ${JSON.stringify(ms)}`);
    }
  }
}
