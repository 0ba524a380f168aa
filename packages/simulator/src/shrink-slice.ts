import type { NodeSpec } from '@faultline/runtime';
import { causalSlice } from './causal-slice.ts';
import { sortPlan, type FaultEvent } from './fault-plan.ts';
import { faultUnits } from './fault-units.ts';
import type { Scenario, SimOptions } from './scenario.ts';
import type { ShrinkState } from './shrink-state.ts';
import { withCaps, withoutJoiners } from './shrink-structure.ts';
import { laneOf } from './trace-lanes.ts';
import type { TraceRecord } from './trace.ts';

/*
 * `sliceCut`: the best run's causal slice (`causalSlice`) names what its violation
 * depends on, so what the slice leaves out is a candidate to cut in one run rather than
 * found by bisection: each client's operations after the last one the slice names (all
 * of a client it never names), the fault units none of whose events are in it, and the
 * late joiners with no record in it (as `dropLateJoiners` cuts them, checked against the
 * correct version). The
 * slice is read from one rerun of the best with its full trace (a run of the budget).
 * Tried all at once, then the clients alone and the faults alone, then each client alone:
 * a cut changes when the remaining draws are made (fewer requests, fewer disk writes), so
 * the whole cut may fail a different way where a part of it does not. Kept, as every
 * candidate, only if it fails with the same property and is smaller.
 */

/** Per client of the run, how many of its operations the slice needs: up to the last it names. */
export function neededOperations(trace: readonly TraceRecord[], slice: readonly number[]): Map<string, number> {
  const order = new Map<string, Map<string, number>>();
  for (const r of trace) {
    if (r.k !== 'invoke') continue;
    let ops = order.get(r.client);
    if (ops === undefined) order.set(r.client, (ops = new Map()));
    ops.set(r.id, ops.size + 1);
  }
  const needed = new Map<string, number>([...order.keys()].map((c) => [c, 0]));
  for (const i of slice) {
    const r = trace[i]!;
    if (!('client' in r) || !('id' in r)) continue;
    const n = order.get(r.client)?.get(r.id);
    if (n !== undefined && n > needed.get(r.client)!) needed.set(r.client, n);
  }
  return needed;
}

/** The plan without the fault units of which the slice holds no event (the plan sorted, as `faultUnits` needs). */
export function slicedPlan(plan: readonly FaultEvent[], trace: readonly TraceRecord[], slice: readonly number[]): FaultEvent[] {
  const kept = new Set<string>();
  for (const i of slice) {
    const r = trace[i]!;
    if (r.k === 'fault') kept.add(JSON.stringify(r.fault));
  }
  const sorted = sortPlan(plan);
  const keep = new Set(faultUnits(sorted).filter((unit) => unit.some((i) => kept.has(JSON.stringify(sorted[i])))).flat());
  return sorted.filter((_, i) => keep.has(i));
}

export function sliceCut(s: ShrinkState, { protocol }: Pick<SimOptions, 'protocol'>): void {
  const best = s.best;
  const r = s.run(best.scenario, best.choices, undefined, 'full');
  if (r === undefined || !s.fails(r) || r.trace === undefined) return;
  const trace = r.trace;
  const slice = causalSlice(trace);
  if (slice === undefined) return;
  const counts = new Map<string, number>();
  for (const op of r.history) counts.set(op.client, (counts.get(op.client) ?? 0) + 1);
  const caps = new Map([...neededOperations(trace, slice.records)].filter(([c, n]) => n < (counts.get(c) ?? 0)));
  const plan = best.scenario.faultPlan ?? [];
  const fewer = slicedPlan(plan, trace, slice.records);
  const cutPlan = (sc: Scenario): Scenario => ({ ...sc, faultPlan: fewer });
  const cutClients = (only?: string) => (sc: Scenario): Scenario => withCaps(sc, only === undefined ? caps : new Map([[only, caps.get(only)!]]));
  const edits: ((sc: Scenario) => Scenario)[] = [];
  const plans = fewer.length < plan.length;
  if (caps.size > 0 && plans) edits.push((sc) => cutPlan(cutClients()(sc)));
  if (caps.size > 0) edits.push(cutClients());
  if (plans) edits.push(cutPlan);
  if (caps.size > 1) for (const client of caps.keys()) edits.push(cutClients(client));
  // Each edit applies to the best as it is by then: after a kept cut the others may still remove something.
  for (const edit of edits) {
    if (s.exhausted) return;
    const candidate = edit(s.best.scenario);
    if (JSON.stringify(candidate) !== JSON.stringify(s.best.scenario)) s.tryScenario(candidate);
  }
  // The late joiners with no record in the slice, together (a cut of the cluster: checked against the correct version).
  const lanes = new Set(slice.records.map((i) => laneOf(trace[i]!)));
  const nodes = s.best.scenario.nodes ?? protocol.nodes;
  const idle = Array.isArray(nodes) ? (nodes as readonly NodeSpec[]).filter((n) => n.joinAtMs !== undefined && !lanes.has(n.id)).map((n) => n.id) : [];
  const candidate = idle.length === 0 || s.exhausted ? undefined : withoutJoiners(s.best.scenario, protocol, new Set(idle));
  if (candidate !== undefined) s.tryWithinLimits(candidate);
}
