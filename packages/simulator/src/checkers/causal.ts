import type { History, Operation } from '@faultline/runtime';
import { causalGraph, type CausalGraph } from './causal-graph.ts';
import { kvModel, type KvReq, type KvRes } from './kv-model.ts';

/**
 * The anomalies a history that is not causally consistent shows (Bouajjani, Enea,
 * Guerraoui and Hamza, "On verifying causal consistency", POPL 2017, for histories whose
 * written values are unique), with the two session guarantees named apart when the
 * anomaly lies within one client's session:
 * - `cyclic-co`: the causal order (session order and reads-from, transitively) has a cycle;
 * - `thin-air-read`: a read returned a value no write (of that key) wrote;
 * - `write-co-init-read`: a read returned the initial value although a write of the key is causally before it;
 * - `write-co-read`: a read returned a value although a write of the key causally after that value's write is causally before the read;
 * - `read-your-writes`: one of the last two, where the hiding write is the client's own;
 * - `monotonic-reads`: one of the last two, where the same client read the key earlier and saw the hiding write or a later one.
 */
export type CausalAnomaly = 'cyclic-co' | 'thin-air-read' | 'write-co-init-read' | 'write-co-read' | 'read-your-writes' | 'monotonic-reads';

export type CausalResult =
  | { readonly outcome: 'ok'; readonly operations: number }
  | { readonly outcome: 'unknown'; readonly reason: string }
  | {
      readonly outcome: 'violation';
      readonly anomaly: CausalAnomaly;
      /** The operations involved (the reads and writes of the pattern and the causal chains that link them), in invocation order. */
      readonly operations: readonly Operation<KvReq, KvRes>[];
      readonly explanation: string;
    };

type Op = Operation<KvReq, KvRes>;

/**
 * Checks that a key-value history is causally consistent (CC in Bouajjani et al.'s
 * terms): there is a causal order, containing each client's session order and every
 * write-to-read (reads-from) edge, that is acyclic and in which every read returns a
 * value some causally preceding write may still hold: none of the anomalies of
 * `CausalAnomaly` occurs. Requires unique written values (each put writes a value no
 * other put writes), so that a read names the write it read from; a history that reuses a
 * value comes back 'unknown'. Polynomial: O(n * c * log n) for n operations and c
 * chains (clients, plus one per unanswered write that someone read).
 */
export function checkCausal(history: History<KvReq, KvRes>): CausalResult {
  const graph = causalGraph(history);
  if ('kind' in graph) {
    if (graph.kind === 'duplicate-value')
      return { outcome: 'unknown', reason: `values are not unique: ${graph.ops.map((o) => `${o.client} ${o.id}`).join(' and ')} both write ${JSON.stringify(graph.value)} to one key` };
    return violation('thin-air-read', [graph.read], `${line(graph.read)}\nreturned a value out of thin air: no operation wrote it to that key.`);
  }
  const order = topologicalOrder(graph);
  if (order.length < graph.nodes.length) {
    const cycle = findCycle(graph, order);
    return violation(
      'cyclic-co',
      cycle,
      `these operations are causally ordered in a cycle (each is before the next, by its client's order or by reading its value):\n${cycle.map(line).join('\n')}`,
    );
  }
  return findReadAnomaly(graph, order) ?? { outcome: 'ok', operations: graph.nodes.length };
}

function violation(anomaly: CausalAnomaly, ops: readonly Op[], story: string): CausalResult {
  const operations = [...new Set(ops)].sort((a, b) => a.invokeMs - b.invokeMs);
  return { outcome: 'violation', anomaly, operations, explanation: `not causally consistent (${anomaly}): ${story}` };
}

function line(op: Op): string {
  const answered = op.status === 'ok' && op.completeMs !== undefined;
  return `  ${op.client} ${op.id} ${kvModel.describe!(op.req, answered ? op.result : undefined)}${answered ? '' : ` (${op.status})`}`;
}

/** Kahn's algorithm, lowest node first among the ready ones; a shorter result means a cycle. */
function topologicalOrder(graph: CausalGraph): number[] {
  const n = graph.nodes.length;
  const succs: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Int32Array(n);
  graph.preds.forEach((ps, v) => {
    for (const p of ps) {
      succs[p]!.push(v);
      indegree[v]!++;
    }
  });
  const order: number[] = [];
  for (let v = 0; v < n; v++) if (indegree[v] === 0) order.push(v);
  for (let i = 0; i < order.length; i++) for (const s of succs[order[i]!]!) if (--indegree[s]! === 0) order.push(s);
  return order;
}

/** A cycle among the nodes the topological order could not place: walk predecessors until one repeats. */
function findCycle(graph: CausalGraph, order: readonly number[]): Op[] {
  const placed = new Set(order);
  let v = graph.nodes.findIndex((_, i) => !placed.has(i));
  const seenAt = new Map<number, number>();
  const walk: number[] = [];
  while (!seenAt.has(v)) {
    seenAt.set(v, walk.length);
    walk.push(v);
    v = graph.preds[v]!.find((p) => !placed.has(p))!;
  }
  return walk
    .slice(seenAt.get(v)!)
    .reverse()
    .map((i) => graph.nodes[i]!.op);
}

/**
 * Vector clocks over chains give the causal order in O(c) per query: `clock[v][s]` is the
 * highest index in chain `s` causally before or at `v`. Then each read is checked against,
 * per chain, the last write of its key causally before it (the only one that matters).
 */
function findReadAnomaly(graph: CausalGraph, order: readonly number[]): CausalResult | undefined {
  // `order` holds every node (the graph is acyclic): reads are then checked in history order.
  const { nodes, chains } = graph;
  const clock = new Int32Array(nodes.length * chains).fill(-1);
  for (const v of order) {
    const row = v * chains;
    for (const p of graph.preds[v]!) for (let s = 0; s < chains; s++) if (clock[p * chains + s]! > clock[row + s]!) clock[row + s] = clock[p * chains + s]!;
    clock[row + nodes[v]!.chain] = nodes[v]!.index;
  }
  const before = (a: number, b: number) => a !== b && clock[b * chains + nodes[a]!.chain]! >= nodes[a]!.index;

  // Per (chain, key): the writes in chain order, as [index, node].
  const keyIndex = new Map<string, number>();
  for (const node of nodes) if (!keyIndex.has(node.key)) keyIndex.set(node.key, keyIndex.size);
  const keys = keyIndex.size;
  const writesOf: [number, number][][] = Array.from({ length: chains * keys }, () => []);
  nodes.forEach((node, v) => {
    if (node.writes !== undefined) writesOf[node.chain * keys + keyIndex.get(node.key)!]!.push([node.index, v]);
  });
  /** The last write of key number `k` in chain `s` at index <= `upTo`, other than `self`. */
  const lastWrite = (s: number, k: number, upTo: number, self: number): number | undefined => {
    const list = writesOf[s * keys + k]!;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]![0] <= upTo) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0; i--) if (list[i]![1] !== self) return list[i]![1];
    return undefined;
  };

  for (let r = 0; r < nodes.length; r++) {
    const node = nodes[r]!;
    if (node.reads === undefined) continue;
    const source = graph.readsFrom.get(r);
    const k = keyIndex.get(node.key)!;
    for (let s = 0; s < chains; s++) {
      const upTo = clock[r * chains + s]!;
      if (upTo < 0) continue;
      const w = lastWrite(s, k, upTo, r);
      if (w === undefined || w === source) continue;
      if (source !== undefined && !before(source, w)) continue;
      return explainHidden(graph, before, r, w, source);
    }
  }
  return undefined;
}

/** A read `r` returned the value of `source` (undefined: the initial value) although `w`, causally after it, is causally before `r`. */
function explainHidden(graph: CausalGraph, before: (a: number, b: number) => boolean, r: number, w: number, source: number | undefined): CausalResult {
  const { nodes } = graph;
  const read = nodes[r]!;
  const hider = nodes[w]!;
  const sameClient = (v: number) => nodes[v]!.op.client === read.op.client && nodes[v]!.op.status === 'ok';
  // An earlier read of the same key by the same client that already saw `w` or a write after it.
  const earlier = nodes.findIndex((n, v) => sameClient(v) && v !== r && n.key === read.key && n.reads !== undefined && before(v, r) && graph.readsFrom.get(v) !== undefined && (graph.readsFrom.get(v) === w || before(w, graph.readsFrom.get(v)!)));
  const anomaly: CausalAnomaly = sameClient(w) ? 'read-your-writes' : earlier >= 0 ? 'monotonic-reads' : source === undefined ? 'write-co-init-read' : 'write-co-read';
  const path = (from: number, to: number) => causalPath(graph, from, to);
  const chain = [...new Set([...(source === undefined ? [] : path(source, w)), ...path(w, earlier >= 0 ? earlier : r), ...(earlier >= 0 ? path(earlier, r) : [r])])];
  const ops = chain.map((v) => nodes[v]!.op);
  const saw = source === undefined ? 'the initial value (null)' : `the value of ${nodes[source]!.op.client} ${nodes[source]!.op.id}`;
  const story =
    `${read.op.client} ${read.op.id} read ${saw} of key ${JSON.stringify(read.key)}, but ${hider.op.client} ${hider.op.id} ` +
    `${source === undefined ? 'wrote the key' : 'overwrote that value'} causally before the read:\n${ops.map(line).join('\n')}\n` +
    '(each operation is causally before the next: by its client\'s order, by reading its value, or transitively)';
  return violation(anomaly, ops, story);
}

/** A shortest chain of direct causal edges from `from` to `to` (both included), by breadth-first search backwards from `to`. */
function causalPath(graph: CausalGraph, from: number, to: number): number[] {
  const next = new Map<number, number>([[to, -1]]);
  const queue = [to];
  for (let i = 0; i < queue.length && !next.has(from); i++) {
    const v = queue[i]!;
    for (const p of graph.preds[v]!) {
      if (next.has(p)) continue;
      next.set(p, v);
      queue.push(p);
    }
  }
  const out: number[] = [];
  for (let v = from; v !== -1 && v !== undefined; v = next.get(v)!) out.push(v);
  return out;
}
