import { sortPlan, type FaultEvent } from './fault-plan.ts';
import { faultUnits } from './fault-units.ts';
import { resolveConfig, type Scenario, type SimOptions } from './scenario.ts';
import type { ShrinkState } from './shrink-state.ts';

/**
 * The scenario passes: fault units removed (delta-debugging chunks), then clients,
 * requests (`workload.maxRequests`), nodes and `durationMs` binary-searched down, each
 * candidate replaying the best run's choices so that the edit changes only what it names.
 */
export function shrinkScenario(s: ShrinkState, options: Pick<SimOptions, 'protocol' | 'seed' | 'bug'>): void {
  const workload = () => s.best.scenario.workload ?? {};
  bisect(s, 1, s.best.result.history.length, (n) => ({ ...s.best.scenario, workload: { ...workload(), maxRequests: n } }));
  removeFaults(s);
  earlierFaults(s);
  const resolved = () => resolveConfig({ ...options, scenario: s.best.scenario });
  bisect(s, 1, resolved().workload.clients, (c) => ({ ...s.best.scenario, workload: { ...workload(), clients: c } }));
  shrinkNodes(s, options.protocol);
  const lastFaultMs = Math.max(0, ...s.best.result.plan.map((f) => f.atMs));
  bisect(s, Math.max(1, Math.floor(lastFaultMs) + 1), Math.ceil(resolved().durationMs), (d) => ({ ...s.best.scenario, durationMs: d }));
}

/** The smallest value in [lo, hi) that still fails, by bisection (failure need not be monotone: this is a heuristic). */
function bisect(s: ShrinkState, lo: number, hi: number, make: (v: number) => Scenario): void {
  while (lo < hi && !s.exhausted) {
    const mid = Math.floor((lo + hi) / 2);
    if (s.tryScenario(make(mid))) hi = mid;
    else lo = mid + 1;
  }
}

/** Removes fault units in chunks, halving the chunk size down to one unit (as in delta debugging). */
function removeFaults(s: ShrinkState): void {
  let units = faultUnits(s.best.scenario.faultPlan ?? []);
  for (let size = Math.ceil(units.length / 2); size >= 1 && !s.exhausted; size = size === 1 ? 0 : Math.ceil(size / 2)) {
    for (let start = 0; start < units.length && !s.exhausted; ) {
      const plan: readonly FaultEvent[] = s.best.scenario.faultPlan ?? [];
      const drop = new Set(units.slice(start, start + size).flat());
      if (s.tryScenario({ ...s.best.scenario, faultPlan: plan.filter((_, i) => !drop.has(i)) })) units = faultUnits(s.best.scenario.faultPlan ?? []);
      else start += size;
    }
  }
}

/**
 * Moves faults earlier, where fewer events come before them: first the whole plan (every
 * fault after the first moment of the run by the same amount, bisected), then each unit
 * alone (start and end together, down to time 0; the plan is sorted again).
 */
function earlierFaults(s: ShrinkState): void {
  const plan = () => sortPlan(s.best.scenario.faultPlan ?? []);
  const shift = (indices: ReadonlySet<number>, d: number): Scenario => ({
    ...s.best.scenario,
    faultPlan: sortPlan(plan().map((f, i) => (indices.has(i) ? { ...f, atMs: Math.max(0, round(f.atMs - d)) } : f))),
  });
  const all = plan();
  const moving = new Set(all.flatMap((f, i) => (f.atMs > 0 ? [i] : [])));
  const firstMs = Math.min(...all.filter((f) => f.atMs > 0).map((f) => f.atMs));
  if (moving.size > 0) bisectDown(s, Math.floor(firstMs), (d) => shift(moving, d));
  for (let u = 0; u < faultUnits(plan()).length && !s.exhausted; u++) {
    const p = plan();
    const unit = faultUnits(p)[u]!;
    const start = p[unit[0]!]!.atMs;
    if (start > 0) bisectDown(s, Math.floor(start), (d) => shift(new Set(unit), d));
  }
}

/** Shifts by as much of `max` as still fails, greedily: the whole of it, else halves (each kept shift moves the best on). */
function bisectDown(s: ShrinkState, max: number, make: (d: number) => Scenario): void {
  let left = max;
  for (let d = max; d >= 1 && left >= 1 && !s.exhausted; ) {
    if (s.tryScenario(make(Math.min(d, left)))) left -= Math.min(d, left);
    else d = Math.floor(d / 2);
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Only a protocol that declares its minimum, with nodes given as a count (no late joiners), has its nodes shrunk. */
function shrinkNodes(s: ShrinkState, protocol: SimOptions['protocol']): void {
  const minNodes = protocol.minNodes;
  const nodes = s.best.scenario.nodes ?? protocol.nodes;
  const count = typeof nodes === 'number' ? nodes : nodes === undefined ? undefined : -1;
  if (minNodes === undefined || count === -1) return;
  const current = s.best.result.nodes.length || (count ?? 3);
  bisect(s, Math.max(1, minNodes), current, (n) => ({ ...s.best.scenario, nodes: n }));
}
