import type { NodeSpec } from '@faultline/runtime';
import type { ChoiceSequence } from './choices.ts';
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
 * - `skipLaterOperations`: each operation of a client but its last left out (else it and
 *   the next, else three), exactly the draws it made deleted (its request's, its
 *   messages', its turns'), the next operation in its place; where that fails no more (the
 *   next operation, now earlier, comes before what it needed: a view formed, a leader
 *   elected), the same cut with the next operation delayed by the time between the two
 *   (`workload.clientDelayMs`), so it keeps its time: the run loses the operation and
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

/** Places per client `skipLaterOperations` tries each time it runs: up to six runs each, so a long run's hundreds of operations do not take a wall budget's whole share. */
const MAX_SKIPPED_OPS = 8;

/**
 * The longest block of consecutive operations `skipLaterOperations` leaves out at once. A
 * protocol may see a client's request number (lazy replication's front ends send reads to
 * the replicas in turn by it): a run one operation shorter sends every later read
 * elsewhere, where one as many operations shorter as there are replicas (three) does not.
 */
const MAX_BLOCK = 3;

type Spans = { readonly [label: string]: readonly (readonly [number, number])[] };

/**
 * Each operation of each client but its last left out in turn (at the first
 * `MAX_SKIPPED_OPS` places), else it and the next, else three (`MAX_BLOCK`): exactly the
 * draws they made deleted (`SimResult.operationDraws`: their requests', their messages'
 * latencies, drops and duplicates on the client's links, what the turns that took their
 * requests drew), with the client's cap lowered as many, the next operation in their
 * place, else at its own time (see `skipBlock`). The client's start draw is never
 * deleted, so the next operation's time is kept exactly; and its messages keep their own
 * latencies.
 */
export function skipLaterOperations(s: ShrinkState): void {
  for (const client of clientsOf(s)) {
    for (let j = 0, tried = 0; tried < MAX_SKIPPED_OPS && !s.exhausted; tried++) {
      // Counted again after every kept cut: a smaller failing run may issue fewer than its cap.
      const mine = operationsOf(s, client);
      if (j >= mine.length - 1) break;
      let kept = false;
      for (let len = 1; len <= MAX_BLOCK && j + len < mine.length && !kept && !s.exhausted; len++) {
        const rest = withoutOperations(s, client, mine.slice(j, j + len).map((op) => op.id));
        if (rest === undefined) break;
        kept = skipBlock(s, client, j, len, rest);
      }
      if (!kept) j++;
    }
  }
}

/**
 * The best's choices without the draws of `client`'s operations `ids`; undefined when one
 * has no record of them, or its request drew nothing (deleting its draws would cut the
 * client's last operation instead), or a span runs past its stream's end.
 */
function withoutOperations(s: ShrinkState, client: string, ids: readonly string[]): ChoiceSequence | undefined {
  const all: Record<string, (readonly [number, number])[]> = {};
  for (const id of ids) {
    const spans: Spans | undefined = s.best.result.operationDraws?.[id];
    const request = spans?.[`workload/${client}`]?.[0];
    if (spans === undefined || request === undefined || request[0] === request[1]) return undefined;
    for (const [label, list] of Object.entries(spans)) (all[label] ??= []).push(...list);
  }
  return withoutSpans(s.best.choices, all);
}

/** `choices` with the spans of `spans` (per stream, apart) deleted; undefined when a span runs past its stream's end (it is not the run's). */
function withoutSpans(choices: ChoiceSequence, spans: Spans): ChoiceSequence | undefined {
  let out = choices;
  for (const [label, list] of Object.entries(spans)) {
    const values = out[label] ?? [];
    if (list.some(([, to]) => to > values.length)) return undefined;
    out = withStream(out, label, values.filter((_, i) => !list.some(([from, to]) => i >= from && i < to)));
  }
  return out;
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
 * Tries the best run without `client`'s operations `j` to `j + len - 1`, replaying `rest`
 * (the best's choices without their draws): first with the next operation taking their
 * place and time, then, if that does not fail the same way, with the next operation issued
 * when it was (its delay grown by the time between the two, rounded up to the µs), so that
 * it still comes after what it waited for.
 */
function skipBlock(s: ShrinkState, client: string, j: number, len: number, rest: ChoiceSequence): boolean {
  const mine = operationsOf(s, client);
  const capped = withCap(s.best.scenario, client, mine.length - len);
  if (s.attempt(withoutOperation(capped, client, j, 0, len), rest)) return true;
  const gap = Math.ceil((mine[j + len]!.invokeMs - mine[j]!.invokeMs) * 1000) / 1000;
  return gap > 0 && !s.exhausted && s.attempt(withoutOperation(capped, client, j, gap, len), rest);
}

/**
 * `scenario`'s client delays (`workload.clientDelayMs`) once `client`'s operations `j` to
 * `j + len - 1` are left out: the later operations' delays move down `len` places, and the
 * operation that takes their place gets the first one's delay plus `wait` ms. A client left
 * with no delay is left out, and so is the field when no client has one.
 */
export function withoutOperation(scenario: Scenario, client: string, j: number, wait: number, len = 1): Scenario {
  const workload = scenario.workload ?? {};
  const old = workload.clientDelayMs?.[client] ?? {};
  const delays: Record<string, number> = {};
  for (const [k, ms] of Object.entries(old)) {
    const n = Number(k);
    if (n < j) delays[k] = ms;
    else if (n > j + len) delays[String(n - len)] = ms;
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
