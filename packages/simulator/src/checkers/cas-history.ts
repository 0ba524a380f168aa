import type { Operation } from '@faultline/runtime';
import { Rng } from '../rng.ts';
import { timedOperations } from './op-windows.ts';
import type { KvReq, KvRes } from './kv-model.ts';

export interface CasHistoryOptions {
  readonly seed: string;
  readonly operations: number;
  readonly clients: number;
  /** Share of operations that end without a reply (Jepsen's `:info`); half of them take effect. Default 0.1. */
  readonly openRatio?: number;
  /** Distinct values written (small, so that cas often succeeds). Default 5. */
  readonly values?: number;
  /** An operation lasts between 1 ms and this long. Default 10. */
  readonly latencyMsMax?: number;
  /** Number of reads that return a value the register did not hold (the history is then not linearizable). Default 0. */
  readonly staleReads?: number;
}

/**
 * A history of one compare-and-set register of the kind Jepsen's etcd tests record
 * (reads, writes and cas of small integers by many clients, some ops open with `:info`),
 * made deterministically from a seed by a simulated register: each operation takes effect
 * at a random instant inside its window. With `staleReads`, that many completed reads are
 * changed to return a value the register did not hold at any instant of their window.
 */
export function randomCasHistory(o: CasHistoryOptions): Operation<KvReq, KvRes>[] {
  const rng = new Rng(o.seed);
  const openRatio = o.openRatio ?? 0.1;
  const values = o.values ?? 5;
  const latencyMsMax = o.latencyMsMax ?? 10;
  const key = 'r';
  const value = () => String(rng.int(values));
  const ops = timedOperations<KvReq, KvRes>(rng, { operations: o.operations, clients: o.clients, openRatio, latencyMsMax }, () => {
    const pick = rng.random();
    return pick < 0.4 ? { type: 'get', key } : pick < 0.7 ? { type: 'put', key, value: value() } : { type: 'cas', key, expected: value(), value: value() };
  });
  let held: string | null = null;
  const heldAt: { atMs: number; value: string | null }[] = [{ atMs: -Infinity, value: null }];
  for (const { op, atMs, applies } of ops.slice().sort((a, b) => a.atMs - b.atMs)) {
    if (!applies) continue;
    const req = op.req;
    let result: KvRes;
    if (req.type === 'get') result = { type: 'get-ok', value: held };
    else if (req.type === 'put' || held === req.expected) {
      held = req.value;
      result = req.type === 'put' ? { type: 'put-ok' } : { type: 'cas-ok' };
    } else result = { type: 'cas-fail' };
    heldAt.push({ atMs, value: held });
    if (op.status === 'ok') op.result = result;
  }
  const history = ops.map((x) => x.op).sort((a, b) => a.invokeMs - b.invokeMs);
  injectStaleReads(history, heldAt, o.staleReads ?? 0, values, latencyMsMax * 3, rng);
  return history;
}

/**
 * Makes `count` completed reads return a value that no order could give them: one the
 * register did not hold near their window and that no operation overlapping it writes
 * (if every value is ruled out, one nobody wrote).
 */
function injectStaleReads(
  history: Operation<KvReq, KvRes>[],
  heldAt: readonly { atMs: number; value: string | null }[],
  count: number,
  values: number,
  margin: number,
  rng: Rng,
): void {
  const reads = history.filter((op) => op.req.type === 'get' && op.status === 'ok');
  for (let done = 0, tries = 0; done < count && tries < reads.length * 4; tries++) {
    const op = reads[rng.int(reads.length)]!;
    const from = op.invokeMs - margin;
    const to = op.completeMs!;
    const ruledOut = new Set<string | null>();
    let before: string | null = null;
    for (const h of heldAt) {
      if (h.atMs <= from) before = h.value;
      else if (h.atMs <= to) ruledOut.add(h.value);
    }
    ruledOut.add(before);
    for (const w of history) {
      const end = w.status === 'ok' ? w.completeMs! : Infinity;
      if (w.req.type !== 'get' && w.invokeMs <= to && end >= from) ruledOut.add(w.req.value);
    }
    const candidates = Array.from({ length: values }, (_, i) => String(i)).filter((v) => !ruledOut.has(v));
    op.result = { type: 'get-ok', value: candidates.length === 0 ? `never-written-${done}` : candidates[rng.int(candidates.length)]! };
    done++;
  }
}
