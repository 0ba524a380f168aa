import { sortPlan, type FaultEvent } from './fault-plan.ts';
import { faultUnits } from './fault-units.ts';
import { resolveConfig, type Scenario, type SimOptions } from './scenario.ts';
import type { ShrinkState } from './shrink-state.ts';
import { withoutNode } from './shrink-structure.ts';

/*
 * The scenario passes, each candidate replaying the best run's choices so that the edit
 * changes only what it names: fault units removed (delta-debugging chunks), requests
 * (`workload.maxRequests`), clients, nodes and `durationMs` binary-searched down, the
 * whole plan moved earlier (`earlierPlan`), and, a fine pass, each fault unit moved
 * earlier alone (`earlierUnits`); fewer nodes and simpler protocol options where the
 * protocol declares what is allowed (`minNodes`, `shrinkOptions`); and, for a property
 * checked at the end, the quiet time before it (`shorterQuiet`).
 */

type Options = Pick<SimOptions, 'protocol' | 'seed' | 'bug'>;

const workload = (s: ShrinkState) => s.best.scenario.workload ?? {};
const resolved = (s: ShrinkState, options: Options) => resolveConfig({ ...options, scenario: s.best.scenario });

export function fewerRequests(s: ShrinkState): void {
  bisect(s, 1, s.best.result.history.length, (n) => ({ ...s.best.scenario, workload: { ...workload(s), maxRequests: n } }));
}

export function fewerClients(s: ShrinkState, options: Options): void {
  bisect(s, 1, resolved(s, options).workload.clients, (c) => ({ ...s.best.scenario, workload: { ...workload(s), clients: c } }));
}

/** The workload's duration cut, down to just after the last fault; no longer than the run itself (it ends at the violation). */
export function shorterRun(s: ShrinkState, options: Options): void {
  const lastFaultMs = Math.max(0, ...s.best.result.plan.map((f) => f.atMs));
  const endMs = Math.min(resolved(s, options).durationMs, s.best.result.violation?.atMs ?? Infinity);
  bisect(s, Math.max(1, Math.floor(lastFaultMs) + 1), Math.ceil(endMs), (d) => ({ ...s.best.scenario, durationMs: d }));
}

/**
 * For a property checked once the run has been quiet (`eventually`), the quiet time cut,
 * by bisection: the time after the workload and faults in which a protocol's periodic
 * work (heartbeats, gossip, anti-entropy) is most of a shrunk run's events. A shorter
 * quiet time is kept only within limits (`tryWithinLimits`): the correct version, replaying
 * the same choices, must not fail the same way (it had time enough to converge). And from
 * then on every run kept with less quiet time must fail with the whole of it too
 * (`ShrinkState.fullQuietMs`): what it failed to do it does not do later either. Under
 * Ken the quiet time is never below what Ken needs to settle (`resolveConfig`), so the
 * bisection starts there.
 */
export function shorterQuiet(s: ShrinkState, options: Options): void {
  if (!checkedAtEnd(s, options)) return;
  const full = resolved(s, options).quietMs;
  s.fullQuietMs ??= full;
  // The least quiet time the run can have (under Ken, what Ken needs to settle): below it every candidate would be the best again.
  const floor = resolveConfig({ ...options, scenario: { ...s.best.scenario, quietMs: 0 } }).quietMs;
  bisect(s, floor, full, (q) => ({ ...s.best.scenario, quietMs: q }), (scenario) => s.tryWithinLimits(scenario));
}

/** The smallest value in [lo, hi) that still fails, by bisection (failure need not be monotone: this is a heuristic). */
function bisect(s: ShrinkState, lo: number, hi: number, make: (v: number) => Scenario, attempt = (scenario: Scenario) => s.tryScenario(scenario)): void {
  while (lo < hi && !s.exhausted) {
    const mid = Math.floor((lo + hi) / 2);
    if (attempt(make(mid))) hi = mid;
    else lo = mid + 1;
  }
}

/** Removes every fault at once, else fault units in chunks, halving the chunk size down to one unit (as in delta debugging). */
export function removeFaults(s: ShrinkState): void {
  if ((s.best.scenario.faultPlan ?? []).length > 0 && s.tryScenario({ ...s.best.scenario, faultPlan: [] })) return;
  let units = faultUnits(s.best.scenario.faultPlan ?? []);
  for (let size = Math.ceil(units.length / 2); size >= 1 && !s.exhausted; size = size === 1 ? 0 : Math.ceil(size / 2)) {
    for (let start = 0; start < units.length && !s.exhausted; ) {
      const current: readonly FaultEvent[] = s.best.scenario.faultPlan ?? [];
      const drop = new Set(units.slice(start, start + size).flat());
      if (s.tryScenario({ ...s.best.scenario, faultPlan: current.filter((_, i) => !drop.has(i)) })) units = faultUnits(s.best.scenario.faultPlan ?? []);
      else start += size;
    }
  }
}

const plan = (s: ShrinkState) => sortPlan(s.best.scenario.faultPlan ?? []);
const shift = (s: ShrinkState, indices: ReadonlySet<number>, d: number): Scenario => ({
  ...s.best.scenario,
  faultPlan: sortPlan(plan(s).map((f, i) => (indices.has(i) ? { ...f, atMs: Math.max(0, round(f.atMs - d)) } : f))),
});

/**
 * Moves the whole plan earlier, where fewer events come before it: every fault after the
 * first moment of the run by the same amount, bisected. For a property checked once the
 * run is quiet (`eventually`) the end of the workload moves with it (`durationMs`), so the
 * faults' aftermath gets no more time to heal than it had: with the end left in place, a
 * plan moved earlier leaves the run longer to recover, and one that failed passes.
 */
export function earlierPlan(s: ShrinkState, options: Options): void {
  const all = plan(s);
  const moving = new Set(all.flatMap((f, i) => (f.atMs > 0 ? [i] : [])));
  const firstMs = Math.min(...all.filter((f) => f.atMs > 0).map((f) => f.atMs));
  if (moving.size === 0) return;
  const atEnd = checkedAtEnd(s, options);
  bisectDown(s, Math.floor(firstMs), (d) => {
    // Each kept shift moves the best on: its plan and its end are where this one starts from.
    const moved = shift(s, moving, d);
    return atEnd ? { ...moved, durationMs: Math.max(1, round(resolved(s, options).durationMs - d)) } : moved;
  });
}

/** Whether the property the shrink keeps is one checked once the run has been quiet. */
const checkedAtEnd = (s: ShrinkState, options: Options) => options.protocol.properties.find((p) => p.name === s.property)?.kind === 'eventually';

/** Moves each fault unit earlier alone (start and end together, down to time 0; the plan is sorted again). */
export function earlierUnits(s: ShrinkState): void {
  for (let u = 0; u < faultUnits(plan(s)).length && !s.exhausted; u++) {
    const p = plan(s);
    const indices = faultUnits(p)[u]!;
    const unit = indices.map((i) => follow(p[i]!));
    const start = p[indices[0]!]!.atMs;
    if (start > 0) bisectDown(s, Math.floor(start), (d) => shift(s, new Set(unit.map((e) => e.at(plan(s)))), d), (d) => unit.forEach((e) => e.moved(d)));
  }
}

/**
 * Shortens each fault unit that has an end (a crash's restart, a pause's resume, a cut's
 * heal): the end alone moved earlier, toward the start, by as much as still fails. A node
 * down for 1.5 s of heartbeats before it comes back with a stale log (raft
 * vote-without-log-check) fails the same way down for a few hundred ms; `earlierUnits`
 * moves start and end together, so it never shortens the time between them.
 */
export function shorterUnits(s: ShrinkState): void {
  for (let u = 0; u < faultUnits(plan(s)).length && !s.exhausted; u++) {
    const p = plan(s);
    const unit = faultUnits(p)[u]!;
    if (unit.length < 2) continue;
    const end = follow(p[unit[1]!]!);
    const length = p[unit[1]!]!.atMs - p[unit[0]!]!.atMs;
    // The end keeps at least 1 ms after its start, so it never passes it.
    if (length > 1) bisectDown(s, Math.floor(length - 1), (d) => shift(s, new Set([end.at(plan(s))]), d), (d) => end.moved(d));
  }
}

/**
 * A fault event followed through the shifts a pass keeps: a kept shift sorts the plan
 * again, and the event may pass others on its way (its own node's too), so it is found
 * again in each candidate's plan by its kind, its node and the time the kept shifts have
 * moved it to.
 */
function follow(e: FaultEvent): { at: (p: readonly FaultEvent[]) => number; moved: (d: number) => void } {
  let atMs = e.atMs;
  const node = 'node' in e ? e.node : undefined;
  return {
    at: (p) => p.findIndex((f) => f.kind === e.kind && ('node' in f ? f.node : undefined) === node && f.atMs === atMs),
    moved: (d) => {
      atMs = Math.max(0, round(atMs - d));
    },
  };
}

/** Shifts by as much of `max` as still fails, greedily: the whole of it, else halves (each kept shift moves the best on, and is told to `kept`). */
function bisectDown(s: ShrinkState, max: number, make: (d: number) => Scenario, kept?: (d: number) => void): void {
  let left = max;
  for (let d = max; d >= 1 && left >= 1 && !s.exhausted; ) {
    const step = Math.min(d, left);
    if (s.tryScenario(make(step))) {
      left -= step;
      kept?.(step);
    } else d = Math.floor(d / 2);
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * Only a protocol that declares its minimum (`minNodes`) has its nodes shrunk: each
 * cluster from the minimum up tried until one fails (a smaller cluster is a different
 * run, so failure is not monotone in the count: a bisection that sees 4 pass would never
 * try 3). A count is lowered; a node list keeps its first n nodes present at start and
 * drops every late joiner (its contacts may be gone; `dropLateJoiners` tries dropping
 * joiners alone). The faults of the nodes left out go with them (`withoutNode`; a plan
 * that named them would not be valid).
 */
export function shrinkNodes(s: ShrinkState, options: Options): void {
  const minNodes = options.protocol.minNodes;
  if (minNodes === undefined) return;
  const ids = resolved(s, options).nodes.map((n) => n.id);
  const nodes = s.best.scenario.nodes ?? options.protocol.nodes ?? ids.length;
  const initial = typeof nodes === 'number' ? nodes : nodes.filter((n) => n.joinAtMs === undefined).length;
  for (let n = Math.max(1, minNodes); n < initial && !s.exhausted; n++) {
    const smaller = typeof nodes === 'number' ? n : nodes.filter((node) => node.joinAtMs === undefined).slice(0, n);
    const kept = new Set(typeof smaller === 'number' ? ids.slice(0, n) : smaller.map((node) => node.id));
    const plan = s.best.scenario.faultPlan;
    const faultPlan = plan === undefined ? undefined : ids.filter((id) => !kept.has(id)).reduce<readonly FaultEvent[]>((p, id) => withoutNode(p, id), plan);
    if (s.tryWithinLimits({ ...s.best.scenario, nodes: smaller, ...(faultPlan !== undefined ? { faultPlan } : {}) })) return;
  }
}

/**
 * The protocol options it declares shrinkable (`shrinkOptions`), one at a time in their
 * order: the simplest value, else bisected between it and the run's own value (down to
 * a sixteenth of that span: each step is a run). A value `create` rejects is skipped as
 * an invalid scenario.
 */
export function simplerOptions(s: ShrinkState, options: Options): void {
  for (const [name, o] of Object.entries(options.protocol.shrinkOptions ?? {})) {
    if (s.exhausted) return;
    const given = s.best.scenario.options?.[name];
    const from = typeof given === 'number' ? given : o.default;
    const make = (v: number): Scenario => ({ ...s.best.scenario, options: { ...s.best.scenario.options, [name]: v } });
    if (from === o.simplest || s.tryWithinLimits(make(o.simplest))) continue;
    const step = Math.abs(from - o.simplest) / 16;
    // `near` does not fail (or is invalid), `far` does: the failing value nearest the simplest is between them.
    let near = o.simplest;
    let far = from;
    while (Math.abs(far - near) > step && !s.exhausted) {
      const mid = o.integer === true ? Math.round((near + far) / 2) : (near + far) / 2;
      if (mid === near || mid === far) break;
      if (s.tryWithinLimits(make(mid))) far = mid;
      else near = mid;
    }
  }
}

/** Seeds a `freshDraws` pass tries, each time it runs. */
const FRESH_SEEDS = 40;

/**
 * Random restarts near the best run: its scenario (its plan, clients, requests, nodes),
 * with every option the protocol declares shrinkable at its simplest value when `create`
 * takes them all together (else as the best has them), drawn afresh from other seeds
 * (`<seed>~1`, `<seed>~2`, ..., new ones each time the pass runs), each failing one a
 * candidate within limits (`ShrinkState.tryFresh`). The best's own draws were made for a
 * bigger run: a cut of the scenario or of the pace, replayed, seldom fails the same way,
 * while among fresh draws of the cut scenario some do, and smaller (slower timers, fewer
 * ticks before the faults).
 */
export function freshDraws(s: ShrinkState, options: Options): void {
  const declared = Object.entries(options.protocol.shrinkOptions ?? {});
  let scenario: Scenario =
    declared.length === 0 ? s.best.scenario : { ...s.best.scenario, options: { ...s.best.scenario.options, ...Object.fromEntries(declared.map(([name, o]) => [name, o.simplest])) } };
  for (let k = 0; k < FRESH_SEEDS && !s.exhausted; ) {
    const tried = s.tryFresh(scenario, `${String(options.seed)}~${s.freshSeeds + 1}`);
    if (tried === undefined && scenario !== s.best.scenario) {
      // Options create does not take together: the best's own, from the same seed.
      scenario = s.best.scenario;
      continue;
    }
    s.freshSeeds++;
    k++;
    if (tried === true) scenario = s.best.scenario;
  }
}
