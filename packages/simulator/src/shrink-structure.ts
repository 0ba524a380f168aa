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
 *   and `deleteSpans` alone keeps the count, so the run draws one more at the end.
 * - `skipLaterOperations`: each operation of a client but its last left out, exactly the
 *   draws its request made deleted, the next operation in its place; where that fails no
 *   more (the next operation, now earlier, comes before what it needed: a view formed, a
 *   leader elected), the same cut with the next operation delayed by the time between the
 *   two (`workload.clientDelayMs`), so it keeps its time: the run loses the operation and
 *   waits instead, which costs the events of the nodes' own timers only.
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
  for (const client of clientsOf(s)) {
    const label = `workload/${client}`;
    for (let k = 1; k <= MAX_OP_DRAWS && !s.exhausted; k++) {
      const left = operationsOf(s, client).length;
      const values = s.best.choices[label] ?? [];
      if (left < 2 || k >= values.length) break;
      const capped = withoutOperation(withCap(s.best.scenario, client, left - 1), client, 0, 0);
      if (s.attempt(capped, withStream(s.best.choices, label, values.slice(k)))) k = 0;
    }
  }
}

/** Operations per client `skipLaterOperations` tries each time it runs: up to two runs each, so a long run's hundreds of operations do not take a wall budget's whole share. */
const MAX_SKIPPED_OPS = 8;

/**
 * Each operation of each client but its last left out in turn (the first
 * `MAX_SKIPPED_OPS` of them): exactly the draws its request made
 * (`SimResult.workloadDraws`) deleted, with the client's cap one lower, the next
 * operation in its place, else at its own time (see `skipOperation`). The client's start
 * draw is never deleted, so the next operation's time is kept exactly.
 */
export function skipLaterOperations(s: ShrinkState): void {
  for (const client of clientsOf(s)) {
    const label = `workload/${client}`;
    for (let j = 0, tried = 0; tried < MAX_SKIPPED_OPS && !s.exhausted; tried++) {
      // Counted again after every kept cut: a smaller failing run may issue fewer than its cap.
      const left = operationsOf(s, client).length;
      if (j >= left - 1) break;
      const span = s.best.result.workloadDraws?.[`${client}:${j + 1}`];
      const values = s.best.choices[label] ?? [];
      if (span === undefined || span[1] > values.length) break;
      // A request that drew nothing: deleting its draws would cut the client's last operation instead.
      if (span[0] === span[1] || !skipOperation(s, client, j, left, [...values.slice(0, span[0]), ...values.slice(span[1])])) j++;
    }
  }
}

/** The clients with operations in the best run, by id. */
function clientsOf(s: ShrinkState): string[] {
  return [...new Set(s.best.result.history.map((op) => op.client))].sort();
}

/** `client`'s operations in the best run, in the order it issued them (operation n at index n). */
function operationsOf(s: ShrinkState, client: string) {
  return s.best.result.history.filter((op) => op.client === client);
}

/**
 * Tries the best run without `client`'s operation `j` (of `left`), its stream replaced by
 * `values`: first with the next operation taking its place and time, then, if that does
 * not fail the same way, with the next operation issued when it was (its delay grown by
 * the time between the two, rounded up to the µs), so that it still comes after what it
 * waited for.
 */
function skipOperation(s: ShrinkState, client: string, j: number, left: number, values: readonly number[]): boolean {
  const rest = withStream(s.best.choices, `workload/${client}`, values);
  const capped = withCap(s.best.scenario, client, left - 1);
  if (s.attempt(withoutOperation(capped, client, j, 0), rest)) return true;
  const mine = operationsOf(s, client);
  const gap = mine[j + 1] === undefined ? 0 : Math.ceil((mine[j + 1]!.invokeMs - mine[j]!.invokeMs) * 1000) / 1000;
  return gap > 0 && !s.exhausted && s.attempt(withoutOperation(capped, client, j, gap), rest);
}

/**
 * `scenario`'s client delays (`workload.clientDelayMs`) once `client`'s operation `j` is
 * left out: the later operations' delays move down one place, and the operation that
 * takes its place gets its delay plus `wait` ms. A client left with no delay is left
 * out, and so is the field when no client has one.
 */
export function withoutOperation(scenario: Scenario, client: string, j: number, wait: number): Scenario {
  const workload = scenario.workload ?? {};
  const old = workload.clientDelayMs?.[client] ?? {};
  const delays: Record<string, number> = {};
  for (const [k, ms] of Object.entries(old)) {
    const n = Number(k);
    if (n < j) delays[k] = ms;
    else if (n > j + 1) delays[String(n - 1)] = ms;
  }
  const here = (old[j] ?? 0) + wait;
  // Both parts are whole µs (the wait rounded up): rounding to the nearest µs only undoes the sum's float error.
  if (here > 0) delays[String(j)] = Math.round(here * 1000) / 1000;
  const { [client]: _, ...others } = workload.clientDelayMs ?? {};
  const clientDelayMs = Object.keys(delays).length > 0 ? { ...others, [client]: delays } : others;
  const { clientDelayMs: __, ...rest } = workload;
  return { ...scenario, workload: Object.keys(clientDelayMs).length > 0 ? { ...rest, clientDelayMs } : rest };
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
