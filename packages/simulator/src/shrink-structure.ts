import type { NodeSpec } from '@faultline/runtime';
import type { FaultEvent } from './fault-plan.ts';
import type { Scenario, SimOptions } from './scenario.ts';
import { withStream } from './shrink-choices.ts';
import type { ShrinkState } from './shrink-state.ts';

/*
 * Scenario passes that remove structure the protocol cannot see through, whole:
 * - `capClients`: each client's operations cut (`workload.clientRequests`), the busiest
 *   client first: all of them, else as few as still fail, by bisection. Unlike the cap
 *   over all clients, it keeps the one client whose requests make the bug while it
 *   silences the others.
 * - `skipFirstOperations`: a client's first operation left out: the first 1..8 draws of
 *   its workload stream deleted (an operation's think time and request) with its cap one
 *   lower, so the next operation takes its place. `capClients` cuts only from the end,
 *   and `deleteSpans` alone keeps the count, so the run draws one more at the end. Where
 *   taking its place fails no more (the next operation, now earlier, comes before what it
 *   needed: a view formed, a leader elected), the same cut is tried with the client's
 *   start moved later by the time between the two (`workload.clientStartMs`), so the next
 *   operation keeps its time: the run loses the operation and waits instead, which costs
 *   the events of the nodes' own timers only.
 * - `dropLateJoiners`: a node of an explicit node list that joins late (`joinAtMs`) left
 *   out, with the faults that name it; a protocol cannot rely on a node that joins later,
 *   while leaving out a founding node would be a crash the fault model may not allow. Like
 *   a cut of the founders it is kept only if the correct version, replaying the same
 *   choices without the joiner, does not fail the same way (`tryWithinLimits`): a smaller
 *   cluster may be past what the protocol survives.
 */
/** `scenario` with each client of `caps` held to that many operations. */
export function withCaps(scenario: Scenario, caps: ReadonlyMap<string, number>): Scenario {
  const workload = scenario.workload ?? {};
  return { ...scenario, workload: { ...workload, clientRequests: { ...workload.clientRequests, ...Object.fromEntries(caps) } } };
}

const withCap = (scenario: Scenario, client: string, n: number): Scenario => withCaps(scenario, new Map([[client, n]]));

export function capClients(s: ShrinkState): void {
  const counts = new Map<string, number>();
  for (const op of s.best.result.history) counts.set(op.client, (counts.get(op.client) ?? 0) + 1);
  const clients = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [client, count] of clients) {
    if (s.exhausted) return;
    if (s.tryScenario(withCap(s.best.scenario, client, 0))) continue;
    // The smallest cap in [1, count) that still fails, by bisection (a heuristic: failure need not be monotone).
    let lo = 1;
    let hi = count;
    while (lo < hi && !s.exhausted) {
      const mid = Math.floor((lo + hi) / 2);
      if (s.tryScenario(withCap(s.best.scenario, client, mid))) hi = mid;
      else lo = mid + 1;
    }
  }
}

/** Draws of a client's workload stream `skipFirstOperations` tries deleting at its start: an operation's draws at most. */
const MAX_OP_DRAWS = 8;

export function skipFirstOperations(s: ShrinkState): void {
  const counts = new Map<string, number>();
  for (const op of s.best.result.history) counts.set(op.client, (counts.get(op.client) ?? 0) + 1);
  for (const [client, count] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const label = `workload/${client}`;
    let left = count;
    for (let k = 1; left >= 2 && k <= MAX_OP_DRAWS && !s.exhausted; k++) {
      const values = s.best.choices[label] ?? [];
      if (k >= values.length) break;
      const capped = withCap(s.best.scenario, client, left - 1);
      const rest = withStream(s.best.choices, label, values.slice(k));
      const wait = secondOperationGap(s, client);
      if (s.attempt(capped, rest) || (wait > 0 && !s.exhausted && s.attempt(withStartLater(capped, client, wait), rest))) {
        left--;
        k = 0;
      }
    }
  }
}

/** The ms between the invocations of `client`'s first two operations in the best run (0 if it has fewer). */
function secondOperationGap(s: ShrinkState, client: string): number {
  const mine = s.best.result.history.filter((op) => op.client === client);
  if (mine.length < 2) return 0;
  return Math.max(0, Math.round((mine[1]!.invokeMs - mine[0]!.invokeMs) * 1000) / 1000);
}

/** `scenario` with `client`'s first operation `ms` later than it is. */
export function withStartLater(scenario: Scenario, client: string, ms: number): Scenario {
  const workload = scenario.workload ?? {};
  const start = (workload.clientStartMs?.[client] ?? 0) + ms;
  return { ...scenario, workload: { ...workload, clientStartMs: { ...workload.clientStartMs, [client]: Math.round(start * 1000) / 1000 } } };
}

export function dropLateJoiners(s: ShrinkState, { protocol }: Pick<SimOptions, 'protocol'>): void {
  const nodes = s.best.scenario.nodes ?? protocol.nodes;
  if (!Array.isArray(nodes)) return;
  const late = (nodes as readonly NodeSpec[]).filter((n) => n.joinAtMs !== undefined).map((n) => n.id);
  for (const id of late.reverse()) {
    if (s.exhausted) return;
    const candidate = withoutJoiners(s.best.scenario, protocol, new Set([id]));
    if (candidate !== undefined) s.tryWithinLimits(candidate);
  }
}

/**
 * `scenario` without the late joiners `ids` of its explicit node list and the faults that
 * name them; undefined when there is no such list, or when a node kept names one of them
 * as its contact (the candidate would not be a valid scenario).
 */
export function withoutJoiners(scenario: Scenario, protocol: SimOptions['protocol'], ids: ReadonlySet<string>): Scenario | undefined {
  const current = scenario.nodes ?? protocol.nodes;
  if (!Array.isArray(current)) return undefined;
  const kept = (current as readonly NodeSpec[]).filter((n) => !(n.joinAtMs !== undefined && ids.has(n.id)));
  if (kept.length === current.length || kept.some((n) => n.contacts?.some((c) => ids.has(c)))) return undefined;
  const gone = (current as readonly NodeSpec[]).filter((n) => !kept.includes(n)).map((n) => n.id);
  return { ...scenario, nodes: kept, faultPlan: gone.reduce<readonly FaultEvent[]>((p, id) => withoutNode(p, id), scenario.faultPlan ?? []) };
}

/** `plan` without node `id`: its own faults removed, and it left out of every cut (a cut left with no side is removed). */
export function withoutNode(plan: readonly FaultEvent[], id: string): FaultEvent[] {
  const out: FaultEvent[] = [];
  for (const f of plan) {
    switch (f.kind) {
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
      case 'skew':
        if (f.node !== id) out.push(f);
        break;
      case 'partition': {
        const groups = f.groups.map((g) => g.filter((n) => n !== id)).filter((g) => g.length > 0);
        if (groups.length > 0) out.push({ ...f, groups });
        break;
      }
      case 'oneway': {
        const from = f.from.filter((n) => n !== id);
        const to = f.to.filter((n) => n !== id);
        if (from.length > 0 && to.length > 0) out.push({ ...f, from, to });
        break;
      }
      case 'heal':
        out.push(f);
    }
  }
  return out;
}
