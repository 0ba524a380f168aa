import type { History, Operation } from '@faultline/runtime';
import type { Req, Res } from './messages.ts';

type Op = Operation<Req, Res>;

/**
 * The acknowledged operations of a run's history, found incrementally: properties run
 * after every simulated event, so each check looks only at operations that are new or
 * were still pending last time (at most one per client), never at the whole history.
 * Indexes are cached per history array; a history seen for the first time is indexed
 * from the start, so the result never depends on the cache.
 */
export interface HistoryIndex {
  /** Acknowledged puts, in the order they were found to be acknowledged. */
  readonly puts: Op[];
  /** The same, per key. */
  readonly putsByKey: Map<string, Op[]>;
  /** Acknowledged gets, in the order they were found to be acknowledged. */
  readonly gets: Op[];
  /** How many history entries have been looked at. */
  seen: number;
  /** Indices of entries that were still pending. */
  open: number[];
}

const indexes = new WeakMap<History<Req, Res>, HistoryIndex>();

export function indexHistory(history: History<Req, Res>): HistoryIndex {
  let idx = indexes.get(history);
  if (idx === undefined) {
    idx = { puts: [], putsByKey: new Map(), gets: [], seen: 0, open: [] };
    indexes.set(history, idx);
  }
  if (history.length < idx.seen) {
    // Not the append-only history we indexed: start over.
    idx = { puts: [], putsByKey: new Map(), gets: [], seen: 0, open: [] };
    indexes.set(history, idx);
  }
  if (idx.open.length > 0) idx.open = idx.open.filter((i) => !settle(idx, history[i]!));
  for (let i = idx.seen; i < history.length; i++) if (!settle(idx, history[i]!)) idx.open.push(i);
  idx.seen = history.length;
  return idx;
}

/** Records `op` if it is acknowledged; false while it is still pending. */
function settle(idx: HistoryIndex, op: Op): boolean {
  if (op.status === 'pending') return false;
  if (op.status !== 'ok') return true;
  if (op.req.type === 'put') {
    idx.puts.push(op);
    let list = idx.putsByKey.get(op.req.key);
    if (list === undefined) idx.putsByKey.set(op.req.key, (list = []));
    list.push(op);
  } else {
    idx.gets.push(op);
  }
  return true;
}

/**
 * A per-run cache for a property's own incremental work, keyed like the index. `init`
 * builds it the first time a history is seen.
 */
export function perRun<T extends object>(cache: WeakMap<History<Req, Res>, T>, history: History<Req, Res>, init: () => T): T {
  let v = cache.get(history);
  if (v === undefined) cache.set(history, (v = init()));
  return v;
}
