import fc from 'fast-check';
import { nodeIds, type FaultKind, type NodeId, type WorkloadSpec } from '@faultline/runtime';
import type { FaultEvent, Scenario } from '@faultline/simulator';

/** The fault kinds an explicit plan can hold. */
export type PlanFaultKind = 'crash' | 'pause' | 'partition' | 'oneway' | 'skew';
export const PLAN_FAULT_KINDS: readonly PlanFaultKind[] = ['crash', 'pause', 'partition', 'oneway', 'skew'];

export interface FaultPlanArbOptions {
  /** The cluster: a node count (ids n1, n2, ...) or the ids. */
  readonly nodes: number | readonly NodeId[];
  /** The run's duration: every fault starts and ends strictly inside it. */
  readonly durationMs: number;
  /** Kinds to draw from (default: all of them). */
  readonly kinds?: readonly PlanFaultKind[];
  /** Most faults in one plan, each a pair such as crash + restart (default 6). */
  readonly maxFaults?: number;
  /** Most nodes crashed or paused at once (default: a minority, as the simulator's). */
  readonly maxFaultyNodes?: number;
}

/** One drawn fault, before conflicting ones are dropped. */
interface Episode {
  readonly kind: PlanFaultKind;
  readonly startMs: number;
  readonly lengthMs: number;
  readonly node: NodeId;
  /** The side cut off by a partition, or the senders of a one-way cut. */
  readonly side: readonly NodeId[];
  readonly offsetMs: number;
  readonly driftPpm: number;
}

/**
 * Explicit fault plans for a cluster, as `Scenario.faultPlan` takes them: crash/restart
 * and pause/resume pairs (never more than `maxFaultyNodes` nodes down at once, never two
 * faults on one node at once), two-way and one-way partitions each ended by a heal (never
 * two at once), and clock skews. Every plan passes the simulator's `planProblems`.
 * fast-check shrinks a failing plan by dropping faults and moving them earlier and shorter.
 */
export function arbFaultPlan(options: FaultPlanArbOptions): fc.Arbitrary<FaultEvent[]> {
  const ids = typeof options.nodes === 'number' ? nodeIds(options.nodes) : [...options.nodes];
  const { durationMs, maxFaults = 6 } = options;
  if (ids.length === 0) throw new RangeError('arbFaultPlan: the cluster needs at least one node');
  if (!Number.isInteger(durationMs) || durationMs < 3) throw new RangeError(`arbFaultPlan: durationMs must be an integer >= 3, not ${durationMs}`);
  const maxFaulty = options.maxFaultyNodes ?? Math.floor((ids.length - 1) / 2);
  const kinds = (options.kinds ?? PLAN_FAULT_KINDS).filter(
    (k) => (k !== 'partition' && k !== 'oneway') || ids.length > 1,
  ).filter((k) => (k !== 'crash' && k !== 'pause') || maxFaulty > 0);
  if (kinds.length === 0) return fc.constant([]);
  const side = fc
    .subarray(ids, { minLength: 1, maxLength: Math.max(1, ids.length - 1) })
    .map((s) => [...s].sort());
  const episode: fc.Arbitrary<Episode> = fc.record({
    kind: fc.constantFrom(...kinds),
    startMs: fc.integer({ min: 1, max: durationMs - 2 }),
    lengthMs: fc.integer({ min: 1, max: durationMs }),
    node: fc.constantFrom(...ids),
    side,
    offsetMs: fc.integer({ min: -1000, max: 1000 }),
    driftPpm: fc.integer({ min: -20_000, max: 20_000 }),
  });
  return fc.array(episode, { maxLength: maxFaults }).map((eps) => toPlan(eps, ids, durationMs, maxFaulty));
}

/** Keeps the episodes that fit (in start order) and turns them into fault events, sorted by time. */
function toPlan(episodes: readonly Episode[], ids: readonly NodeId[], durationMs: number, maxFaulty: number): FaultEvent[] {
  const plan: FaultEvent[] = [];
  const nodeBusy: { node: NodeId; endMs: number }[] = [];
  let partitionEndMs = -1;
  const skewed = new Set<NodeId>();
  const ordered = [...episodes].sort((a, b) => a.startMs - b.startMs);
  for (const e of ordered) {
    const atMs = e.startMs;
    const endMs = Math.min(atMs + e.lengthMs, durationMs - 1);
    switch (e.kind) {
      case 'crash':
      case 'pause': {
        const busy = nodeBusy.filter((b) => b.endMs >= atMs);
        if (busy.length >= maxFaulty || busy.some((b) => b.node === e.node)) break;
        nodeBusy.push({ node: e.node, endMs });
        plan.push({ atMs, kind: e.kind, node: e.node });
        plan.push({ atMs: endMs, kind: e.kind === 'crash' ? 'restart' : 'resume', node: e.node });
        break;
      }
      case 'partition':
      case 'oneway': {
        if (atMs <= partitionEndMs) break;
        partitionEndMs = endMs;
        const rest = ids.filter((n) => !e.side.includes(n));
        plan.push(e.kind === 'partition' ? { atMs, kind: 'partition', groups: [e.side, rest] } : { atMs, kind: 'oneway', from: e.side, to: rest });
        plan.push({ atMs: endMs, kind: 'heal' });
        break;
      }
      case 'skew':
        if (skewed.has(e.node)) break;
        skewed.add(e.node);
        plan.push({ atMs, kind: 'skew', node: e.node, offsetMs: e.offsetMs, driftPpm: e.driftPpm });
        break;
    }
  }
  return plan.map((e, i) => ({ e, i })).sort((x, y) => x.e.atMs - y.e.atMs || x.i - y.i).map((x) => x.e);
}

export interface WorkloadArbOptions {
  readonly clientsMin?: number;
  readonly clientsMax?: number;
  readonly thinkMsMax?: number;
  readonly timeoutMsMin?: number;
  readonly timeoutMsMax?: number;
  readonly retriesMax?: number;
}

export type WorkloadOverrides = NonNullable<Scenario['workload']>;

/**
 * Overrides of a protocol's workload (`Scenario.workload`): any of clients (default
 * 1..4), thinkMs (0..200), timeoutMs (50..1000) and retries (0..3). A missing field keeps
 * the protocol's own; fast-check shrinks toward fewer fields and smaller values.
 */
export function arbWorkload(options: WorkloadArbOptions = {}): fc.Arbitrary<WorkloadOverrides> {
  const { clientsMin = 1, clientsMax = 4, thinkMsMax = 200, timeoutMsMin = 50, timeoutMsMax = 1000, retriesMax = 3 } = options;
  const spec: { [K in Exclude<keyof WorkloadOverrides, 'maxRequests' | 'clientRequests' | 'clientDelayMs'>]-?: fc.Arbitrary<WorkloadSpec[K]> } = {
    clients: fc.integer({ min: clientsMin, max: clientsMax }),
    thinkMs: fc.integer({ min: 0, max: thinkMsMax }),
    timeoutMs: fc.integer({ min: Math.max(1, timeoutMsMin), max: timeoutMsMax }),
    retries: fc.integer({ min: 0, max: retriesMax }),
  };
  return fc.record(spec, { requiredKeys: [], noNullPrototype: true });
}

export interface ScenarioArbOptions extends Omit<FaultPlanArbOptions, 'nodes'> {
  /** The cluster size (default 3). */
  readonly nodes?: number;
  /** Options of the workload overrides, or false to keep the protocol's workload. */
  readonly workload?: WorkloadArbOptions | false;
  /** Fault kinds the simulator's generator adds on top of the plan (default none: only the plan). */
  readonly faults?: readonly FaultKind[];
  /** Fields every scenario starts from (network, quietMs, ...). */
  readonly base?: Scenario;
}

/**
 * Scenarios whose faults are an explicit plan from `arbFaultPlan` (generated faults off,
 * unless `faults` names some) with workload overrides from `arbWorkload`, for
 * `fc.property(arbScenario({...}), (scenario) => simulate({ protocol, seed, scenario }).ok)`.
 */
export function arbScenario(options: ScenarioArbOptions): fc.Arbitrary<Scenario> {
  const { nodes = 3, workload = {}, faults = [], base = {}, ...plan } = options;
  const workloads = workload === false ? fc.constant(undefined) : arbWorkload(workload);
  return fc.record({ faultPlan: arbFaultPlan({ ...plan, nodes }), workload: workloads }).map(({ faultPlan, workload: w }) => ({
    ...base,
    nodes,
    durationMs: plan.durationMs,
    faults,
    faultPlan,
    ...(w !== undefined ? { workload: { ...base.workload, ...w } } : {}),
  }));
}
