import type { History, Operation } from '@faultline/runtime';
import type { KvReq, KvRes } from './kv-model.ts';

/** A KV operation as the causal checker sees it: one node of the causal order. */
export interface CausalNode {
  readonly op: Operation<KvReq, KvRes>;
  readonly key: string;
  /** The value it wrote (a put, or a cas that succeeded or may have). */
  readonly writes: string | undefined;
  /** The value it read (null: the initial value); undefined if it read nothing. */
  readonly reads: string | null | undefined;
  /** Its chain (a client's answered operations, or an unanswered write alone) and place in it. */
  readonly chain: number;
  readonly index: number;
}

/**
 * The causal order's generators: session order (each client's answered operations, in
 * invocation order) and reads-from (the write of a value to each read of it). Values must
 * be unique per key: each (key, value) is written by one operation only, so a read names its write.
 *
 * An unanswered write (timed out or pending) may have taken effect, even after the
 * client's later operations (a late retry), so it is a node only if some read returned
 * its value, ordered after the client's earlier answered operations and before nothing
 * of its client: its own chain. Unanswered reads constrain nothing and are left out.
 */
export interface CausalGraph {
  readonly nodes: readonly CausalNode[];
  /** Per node, the nodes ordered directly before it. */
  readonly preds: readonly (readonly number[])[];
  /** Per read node, the node of the write it read from (absent: the initial value or a value nobody wrote). */
  readonly readsFrom: ReadonlyMap<number, number>;
  readonly chains: number;
}

export type GraphProblem =
  | { readonly kind: 'duplicate-value'; readonly value: string; readonly ops: readonly Operation<KvReq, KvRes>[] }
  | { readonly kind: 'thin-air'; readonly read: Operation<KvReq, KvRes> };

const isAnswered = (op: Operation<KvReq, KvRes>) => op.status === 'ok' && op.completeMs !== undefined;

function readValue(op: Operation<KvReq, KvRes>): string | null | undefined {
  if (!isAnswered(op)) return undefined;
  if (op.req.type === 'get' && op.result?.type === 'get-ok') return op.result.value;
  if (op.req.type === 'cas' && op.result?.type === 'cas-ok') return op.req.expected;
  return undefined;
}

function writtenValue(op: Operation<KvReq, KvRes>): string | undefined {
  if (op.req.type === 'put') return op.req.value;
  if (op.req.type === 'cas' && (!isAnswered(op) || op.result?.type === 'cas-ok')) return op.req.value;
  return undefined;
}

/** Builds the graph, or names the first problem that makes the check impossible (a reused value) or fails it outright (a thin-air read). */
export function causalGraph(history: History<KvReq, KvRes>): CausalGraph | GraphProblem {
  const writer = new Map<string, Operation<KvReq, KvRes>>();
  const slot = (key: string, value: string) => `${key}\u0000${value}`;
  for (const op of history) {
    const value = writtenValue(op);
    if (value === undefined) continue;
    const other = writer.get(slot(op.req.key, value));
    if (other !== undefined && other !== op) return { kind: 'duplicate-value', value, ops: [other, op] };
    writer.set(slot(op.req.key, value), op);
  }
  const read = new Set<string>();
  for (const op of history) {
    const value = readValue(op);
    if (value === undefined || value === null) continue;
    if (!writer.has(slot(op.req.key, value))) return { kind: 'thin-air', read: op };
    read.add(slot(op.req.key, value));
  }

  const nodes: CausalNode[] = [];
  const preds: number[][] = [];
  const nodeOf = new Map<Operation<KvReq, KvRes>, number>();
  const lastOfClient = new Map<string, { node: number; chain: number; index: number }>();
  let chains = 0;
  for (const op of history) {
    const writes = writtenValue(op);
    const answered = isAnswered(op);
    if (!answered && (writes === undefined || !read.has(slot(op.req.key, writes)))) continue;
    const before = lastOfClient.get(op.client);
    const chain = answered ? (before?.chain ?? chains++) : chains++;
    const index = answered && before !== undefined ? before.index + 1 : 0;
    const n = nodes.length;
    nodes.push({ op, key: op.req.key, writes, reads: readValue(op), chain, index });
    preds.push(before === undefined ? [] : [before.node]);
    nodeOf.set(op, n);
    if (answered) lastOfClient.set(op.client, { node: n, chain, index });
  }
  const readsFrom = new Map<number, number>();
  nodes.forEach((node, n) => {
    if (node.reads === undefined || node.reads === null) return;
    const w = nodeOf.get(writer.get(slot(node.key, node.reads))!)!;
    readsFrom.set(n, w);
    if (w !== n) preds[n]!.push(w);
  });
  return { nodes, preds, readsFrom, chains };
}
