import type { NodeSpec } from './cluster.ts';
import type { NodeId } from './ids.ts';
import { FAULT_KINDS, type FaultKind } from './faults.ts';
import type { Operation } from './history.ts';
import type { Property } from './properties.ts';
import type { AnyService } from './service.ts';
import { workloadProblems, type WorkloadSpec } from './workload.ts';

/**
 * A consistency level the whole client history must meet, checked by the simulator once
 * a run is quiescent. `kv`: requests are `{ type: 'put', key, value }`, `{ type: 'get', key }`
 * or `{ type: 'cas', key, expected, value }` (other fields are ignored) and results
 * `{ type: 'put-ok' }`, `{ type: 'get-ok', value }`, `{ type: 'cas-ok' }` or `{ type: 'cas-fail' }`.
 * `collection`: requests `{ type: 'add' | 'remove' | 'get', elem }` with results `{ type: 'added' }`,
 * `{ type: 'removed', tags }` (none: it was absent) and `{ type: 'got', present }`; other
 * requests have no element. `sequential-per-key`: each key's (element's) operations alone
 * are sequentially consistent; operations without a key are not checked.
 */
export interface ConsistencySpec {
  readonly model: ConsistencyModel;
  readonly level: ConsistencyLevel;
  /**
   * Answers after which the client's session starts afresh (lazy replication's answers
   * given while a replica that had what the client had seen was down): the check takes
   * that operation and the client's later ones as a new client's. `previous` is the client's
   * previous answered operation (undefined for its first).
   */
  readonly restartsSession?: (op: Operation, previous: Operation | undefined) => boolean;
}

export const CONSISTENCY_MODELS = ['kv', 'collection'] as const;
export type ConsistencyModel = (typeof CONSISTENCY_MODELS)[number];

export const CONSISTENCY_LEVELS = ['linearizable', 'sequential', 'sequential-per-key', 'causal'] as const;
export type ConsistencyLevel = (typeof CONSISTENCY_LEVELS)[number];

/**
 * What `create` receives: the bug, the options of a deployment's cluster config
 * (`protocol.options`) or of a simulation's scenario (`Scenario.options`), and, in the
 * simulator, `initialNodes`: the ids of the nodes present at start (the others join later).
 */
export interface CreateOptions {
  readonly bug?: string;
  readonly initialNodes?: readonly NodeId[];
  readonly [option: string]: unknown;
}

/**
 * A numeric option of `create` that a shrinker may change in a failing run (through
 * `Scenario.options`): `default` is the value when the option is not given, `simplest`
 * the value that makes the smallest runs (a slower heartbeat, a shorter timeout). The
 * shrinker tries `simplest`, then values between it and the run's own; `integer` keeps
 * them whole. `create` should reject a combination it cannot run with.
 */
export interface ShrinkableOption {
  readonly default: number;
  readonly simplest: number;
  readonly integer?: boolean;
}

export interface BugVariant {
  readonly name: string;
  readonly description: string;
}

/**
 * Everything the tools need to know about a protocol: how to build its service (with or
 * without a seeded bug), what must hold, what load to put on it and which faults it
 * claims to tolerate. A user's own module exports one of these as `default` or
 * `protocol`.
 */
export interface ProtocolDefinition<S = any, Req = any, Res = any> {
  readonly name: string;
  readonly description: string;
  /** A service for one node; `bug` names one of `bugs`, or is undefined for the correct one. */
  create(options: CreateOptions): AnyService;
  readonly bugs: readonly BugVariant[];
  readonly properties: readonly Property<S, Req, Res>[];
  /** The fault model it tolerates: the default for `faultline test`. */
  readonly faults: readonly FaultKind[];
  /** Cluster size (default 3) or explicit nodes, some of which may join late. */
  readonly nodes?: number | readonly NodeSpec[];
  /** The smallest cluster it works with; when given, a shrunk failing run may have fewer nodes (down to this). */
  readonly minNodes?: number;
  /** Options a shrunk failing run may set, by name (see `ShrinkableOption`); none when left out. */
  readonly shrinkOptions?: { readonly [option: string]: ShrinkableOption };
  /** At most this many nodes are down or paused at once (default: a minority). */
  readonly maxFaultyNodes?: number;
  /** The simulated clients; leave it out for a protocol that has none (`NO_WORKLOAD`). */
  readonly workload?: WorkloadSpec<Req>;
  /** Simulated time with workload and faults (default 10,000 ms). */
  readonly durationMs?: number;
  /** Quiet time after healing before `eventually` properties are checked (default 5,000 ms). */
  readonly quietMs?: number;
  /** The client history must meet this consistency level (a property named after the level). */
  readonly consistency?: ConsistencySpec;
  /**
   * The protocol relies on its state surviving crashes (a term, a vote, a log): runs use
   * Ken checkpointing unless told otherwise, so a crash-restart looks like a slow node.
   */
  readonly ken?: boolean;
}

/** Checks a definition and returns it; throws one clear error on anything malformed. */
export function defineProtocol<S, Req, Res>(def: ProtocolDefinition<S, Req, Res>): ProtocolDefinition<S, Req, Res> {
  const problems = protocolProblems(def);
  if (problems.length > 0) throw new TypeError(`protocol definition is invalid: ${problems.join('; ')}`);
  return def;
}

/** Every way `def` is not a usable protocol definition (empty if it is one). */
export function protocolProblems(def: unknown): string[] {
  if (def === null || typeof def !== 'object') return ['it is not an object'];
  const d = def as Record<string, unknown>;
  const out: string[] = [];
  if (typeof d.name !== 'string' || d.name === '') out.push('name must be a non-empty string');
  if (typeof d.description !== 'string') out.push('description must be a string');
  if (typeof d.create !== 'function') out.push('create must be a function returning a Service');
  if (!Array.isArray(d.bugs)) out.push('bugs must be an array');
  if (!Array.isArray(d.properties)) out.push('properties must be an array');
  else
    for (const p of d.properties as unknown[]) {
      const q = p as Partial<Property>;
      if (typeof q?.name !== 'string' || typeof q.check !== 'function' || (q.kind !== 'always' && q.kind !== 'eventually'))
        out.push(`property ${JSON.stringify(q?.name)} needs a name, kind 'always' or 'eventually', and check()`);
    }
  if (!Array.isArray(d.faults)) out.push('faults must be an array of fault kinds');
  else for (const f of d.faults) if (!(FAULT_KINDS as readonly unknown[]).includes(f)) out.push(`unknown fault kind ${JSON.stringify(f)}`);
  if (d.ken !== undefined && typeof d.ken !== 'boolean') out.push('ken must be true or false');
  if (d.consistency !== undefined) {
    const c = d.consistency as Partial<ConsistencySpec> | null;
    if (c === null || typeof c !== 'object' || !(CONSISTENCY_MODELS as readonly unknown[]).includes(c.model) || !(CONSISTENCY_LEVELS as readonly unknown[]).includes(c.level))
      out.push(`consistency must be { model: ${CONSISTENCY_MODELS.map((m) => `'${m}'`).join(' | ')}, level: ${CONSISTENCY_LEVELS.map((l) => `'${l}'`).join(' | ')} }`);
  }
  if (d.workload !== undefined) out.push(...workloadProblems(d.workload));
  if (d.shrinkOptions !== undefined) out.push(...shrinkOptionProblems(d.shrinkOptions));
  return out;
}

function shrinkOptionProblems(options: unknown): string[] {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return ['shrinkOptions must map option names to { default, simplest, integer? }'];
  const out: string[] = [];
  for (const [name, o] of Object.entries(options as Record<string, Partial<ShrinkableOption> | null>)) {
    if (!Number.isFinite(o?.default) || !Number.isFinite(o?.simplest) || (o?.integer !== undefined && typeof o.integer !== 'boolean'))
      out.push(`shrinkOptions.${name} needs finite numbers default and simplest (and integer: true or false, if given)`);
  }
  return out;
}
