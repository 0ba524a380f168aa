import type { FaultKind, NodeId } from '@faultline/runtime';
import type { Rng } from './rng.ts';

/** One scheduled fault. A plan is a list of these: faults are data. */
export type FaultEvent =
  /** With `tear`, a Ken node's disk keeps a torn prefix of the record it was writing. */
  | { readonly atMs: number; readonly kind: 'crash'; readonly node: NodeId; readonly tear?: boolean }
  | { readonly atMs: number; readonly kind: 'restart'; readonly node: NodeId }
  | { readonly atMs: number; readonly kind: 'pause'; readonly node: NodeId }
  | { readonly atMs: number; readonly kind: 'resume'; readonly node: NodeId }
  /** Two-way: nodes in different groups cannot talk; nodes in no group form one more group. */
  | { readonly atMs: number; readonly kind: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  /** One-way: messages from `from` to `to` are lost; the other direction still works. */
  | { readonly atMs: number; readonly kind: 'oneway'; readonly from: readonly NodeId[]; readonly to: readonly NodeId[] }
  | { readonly atMs: number; readonly kind: 'heal' }
  /** The node's clock reads `offsetMs + t * (1 + driftPpm / 1e6)` from now on. */
  | { readonly atMs: number; readonly kind: 'skew'; readonly node: NodeId; readonly offsetMs: number; readonly driftPpm: number };

export type FaultEventKind = FaultEvent['kind'];

/** How often the generator injects each fault kind, and for how long. */
export interface FaultRates {
  /** Mean time between node faults (crash or pause) across the cluster. */
  readonly nodeFaultEveryMs: number;
  readonly downMsMin: number;
  readonly downMsMax: number;
  readonly pauseMsMin: number;
  readonly pauseMsMax: number;
  /** Mean time between partitions. */
  readonly partitionEveryMs: number;
  readonly partitionMsMin: number;
  readonly partitionMsMax: number;
  /** Share of partitions that are one-way. */
  readonly oneWayShare: number;
  readonly skewMsMax: number;
  readonly driftPpmMax: number;
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly delayMsMax: number;
  readonly delayMsMean: number;
}

export const DEFAULT_FAULT_RATES: FaultRates = {
  nodeFaultEveryMs: 2500,
  downMsMin: 100,
  downMsMax: 2000,
  pauseMsMin: 100,
  pauseMsMax: 1500,
  partitionEveryMs: 3000,
  partitionMsMin: 300,
  partitionMsMax: 2500,
  oneWayShare: 0.25,
  skewMsMax: 1000,
  driftPpmMax: 20000,
  dropRate: 0.05,
  duplicateRate: 0.05,
  delayMsMax: 400,
  delayMsMean: 25,
};

export interface PlanInput {
  readonly kinds: readonly FaultKind[];
  /** Nodes that may be faulted, with the time each starts. */
  readonly nodes: readonly { readonly id: NodeId; readonly startMs: number }[];
  readonly durationMs: number;
  readonly maxFaultyNodes: number;
  readonly rates: FaultRates;
}

/**
 * Turns fault rates into an explicit plan, drawing only from `rng`. Node faults (crash,
 * pause) never leave more than `maxFaultyNodes` nodes faulty at once, partitions do not
 * overlap, and every fault ends (restart, resume, heal) before `durationMs` or at the
 * final heal.
 */
export function generateFaultPlan(rng: Rng, input: PlanInput): FaultEvent[] {
  const plan: FaultEvent[] = [];
  const { kinds, nodes, durationMs, rates } = input;
  const has = (k: FaultKind) => kinds.includes(k);

  if (has('skew'))
    for (const n of nodes) {
      plan.push({
        atMs: n.startMs,
        kind: 'skew',
        node: n.id,
        offsetMs: round(rng.between(-rates.skewMsMax, rates.skewMsMax)),
        driftPpm: Math.round(rng.between(-rates.driftPpmMax, rates.driftPpmMax)),
      });
    }

  const nodeKinds = (['crash', 'pause', 'disk'] as const).filter(has);
  if (nodeKinds.length > 0 && input.maxFaultyNodes > 0) {
    const busyUntil = new Map<NodeId, number>();
    for (let t = gap(rng, rates.nodeFaultEveryMs); t < durationMs; t += gap(rng, rates.nodeFaultEveryMs)) {
      const atMs = round(t);
      const faulty = nodes.filter((n) => (busyUntil.get(n.id) ?? -1) > atMs).length;
      const candidates = nodes.filter((n) => n.startMs < atMs && (busyUntil.get(n.id) ?? -1) <= atMs);
      if (faulty >= input.maxFaultyNodes || candidates.length === 0) continue;
      const node = rng.pick(candidates).id;
      const kind = rng.pick(nodeKinds);
      const lengthMs =
        kind === 'pause' ? rng.between(rates.pauseMsMin, rates.pauseMsMax) : rng.between(rates.downMsMin, rates.downMsMax);
      const endMs = round(atMs + lengthMs);
      busyUntil.set(node, endMs);
      // A disk fault is a power loss in the middle of a write: a crash that tears the log's tail.
      if (kind === 'disk') plan.push({ atMs, kind: 'crash', node, tear: true });
      else plan.push({ atMs, kind, node });
      if (endMs < durationMs) plan.push({ atMs: endMs, kind: kind === 'pause' ? 'resume' : 'restart', node });
    }
  }

  if (has('partition') && nodes.length > 1) {
    for (let t = gap(rng, rates.partitionEveryMs); t < durationMs; ) {
      const atMs = round(t);
      const ids = rng.shuffle(nodes.map((n) => n.id));
      const cutAt = 1 + rng.int(ids.length - 1);
      const a = ids.slice(0, cutAt).sort();
      const b = ids.slice(cutAt).sort();
      if (rng.chance(rates.oneWayShare)) plan.push({ atMs, kind: 'oneway', from: a, to: b });
      else plan.push({ atMs, kind: 'partition', groups: [a, b] });
      const endMs = round(atMs + rng.between(rates.partitionMsMin, rates.partitionMsMax));
      if (endMs < durationMs) plan.push({ atMs: endMs, kind: 'heal' });
      t = endMs + gap(rng, rates.partitionEveryMs);
    }
  }

  return sortPlan(plan);
}

/** Orders a plan by time; events at the same time keep their order. */
export function sortPlan(plan: readonly FaultEvent[]): FaultEvent[] {
  return plan
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.atMs - y.e.atMs || x.i - y.i)
    .map((x) => x.e);
}

/**
 * The time to the next fault, exponential with mean `everyMs`. A gap of 0 (which a seed
 * draws with odds of about 2^-32, and a replayed choice sequence past its end always
 * draws) means no more faults: the simplest plan, and a loop that ends.
 */
function gap(rng: Rng, everyMs: number): number {
  const g = rng.exponential(everyMs);
  return g > 0 ? g : Infinity;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Checks an explicit plan against the cluster; returns the problems found. */
export function planProblems(plan: readonly FaultEvent[], nodeIds: readonly NodeId[]): string[] {
  const out: string[] = [];
  const known = new Set(nodeIds);
  const checkNode = (i: number, n: unknown) => {
    if (typeof n !== 'string' || !known.has(n)) out.push(`faultPlan[${i}]: unknown node ${JSON.stringify(n)}`);
  };
  plan.forEach((e, i) => {
    if (typeof e !== 'object' || e === null) return out.push(`faultPlan[${i}] is not an object`);
    if (typeof e.atMs !== 'number' || !(e.atMs >= 0)) out.push(`faultPlan[${i}]: atMs must be a number >= 0`);
    switch (e.kind) {
      case 'crash':
        if (e.tear !== undefined && typeof e.tear !== 'boolean') out.push(`faultPlan[${i}]: tear must be true or false`);
        return checkNode(i, e.node);
      case 'restart':
      case 'pause':
      case 'resume':
        return checkNode(i, e.node);
      case 'skew':
        checkNode(i, e.node);
        if (typeof e.offsetMs !== 'number' || typeof e.driftPpm !== 'number')
          out.push(`faultPlan[${i}]: skew needs numeric offsetMs and driftPpm`);
        if (e.driftPpm <= -1e6) out.push(`faultPlan[${i}]: driftPpm must be > -1000000`);
        return;
      case 'partition':
        if (!Array.isArray(e.groups)) return out.push(`faultPlan[${i}]: partition needs groups: [[...], [...]]`);
        return e.groups.forEach((g) => (Array.isArray(g) ? g.forEach((n) => checkNode(i, n)) : out.push(`faultPlan[${i}]: each group is a list of nodes`)));
      case 'oneway':
        if (!Array.isArray(e.from) || !Array.isArray(e.to)) return out.push(`faultPlan[${i}]: oneway needs from: [...] and to: [...]`);
        return [...e.from, ...e.to].forEach((n) => checkNode(i, n));
      case 'heal':
        return;
      default:
        out.push(`faultPlan[${i}]: unknown kind ${JSON.stringify((e as { kind: unknown }).kind)}`);
    }
  });
  return out;
}
