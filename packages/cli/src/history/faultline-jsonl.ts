import type { Operation } from '@faultline/runtime';
import { HistoryInputError } from './history-events.ts';

/** An operation read from faultline's JSON lines and the lines it came from. */
export interface SourcedOperation {
  readonly op: Operation;
  readonly lines: readonly [number, number | undefined];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * faultline's own JSON lines, one JSON object per line, in either of two shapes:
 * - a trace, as `faultline replay --out FILE` writes it: the history is its `invoke`,
 *   `complete` and `give-up` records (`t` in simulated ms); other records are skipped;
 * - operations, one `Operation` per line (`{"id", "client", "req", "invokeMs", "status",
 *   "completeMs", "result"}`), as a simulation's `history` serialises.
 * Requests and results are the model's own (no translation, unlike Jepsen's formats).
 */
export function readFaultlineJsonl(text: string): { ops: SourcedOperation[]; skipped: number } {
  const records: { value: Obj; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new HistoryInputError(i + 1, `not JSON: ${(err as Error).message}`);
    }
    if (!isObject(value)) throw new HistoryInputError(i + 1, 'expected a JSON object');
    records.push({ value, line: i + 1 });
  });
  if (records.length > 0 && typeof records[0]!.value.k === 'string') return fromTrace(records);
  return { ops: records.map(fromOperation), skipped: 0 };
}

function fromTrace(records: readonly { value: Obj; line: number }[]): { ops: SourcedOperation[]; skipped: number } {
  const byId = new Map<string, { op: Operation; line: number; done?: number }>();
  let skipped = 0;
  for (const { value: r, line } of records) {
    const id = `${String(r.client)}\u0000${String(r.id)}`;
    if (r.k === 'invoke') {
      if (typeof r.client !== 'string' || typeof r.id !== 'string' || typeof r.t !== 'number') throw new HistoryInputError(line, 'an invoke record needs client, id and t');
      if (byId.has(id)) throw new HistoryInputError(line, `request ${r.id} of ${r.client} is invoked twice`);
      byId.set(id, { op: { id: r.id, client: r.client, req: r.req, invokeMs: r.t, status: 'pending', attempts: 1 }, line });
    } else if (r.k === 'complete' || r.k === 'give-up') {
      const entry = byId.get(id);
      if (entry === undefined) throw new HistoryInputError(line, `${r.k} of request ${String(r.id)} that was never invoked`);
      if (entry.done !== undefined) continue;
      entry.done = line;
      if (r.k === 'complete') {
        entry.op.status = 'ok';
        entry.op.completeMs = r.t as number;
        entry.op.result = r.result;
      } else entry.op.status = 'timeout';
    } else skipped++;
  }
  const ops = [...byId.values()].map((e) => ({ op: e.op, lines: [e.line, e.done] as const }));
  return { ops: ops.sort((a, b) => a.op.invokeMs - b.op.invokeMs), skipped };
}

function fromOperation({ value: r, line }: { value: Obj; line: number }): SourcedOperation {
  if (typeof r.client !== 'string' || typeof r.invokeMs !== 'number' || !('req' in r))
    throw new HistoryInputError(line, 'an operation needs client (string), req and invokeMs (number); or is this a trace without its k fields?');
  const status = r.status ?? 'ok';
  if (status !== 'ok' && status !== 'timeout' && status !== 'pending') throw new HistoryInputError(line, `status must be ok, timeout or pending, not ${JSON.stringify(status)}`);
  if (status === 'ok' && typeof r.completeMs !== 'number') throw new HistoryInputError(line, 'an ok operation needs completeMs (number)');
  const op: Operation = { id: typeof r.id === 'string' ? r.id : `line ${line}`, client: r.client, req: r.req, invokeMs: r.invokeMs, status, attempts: 1 };
  if (status === 'ok') {
    op.completeMs = r.completeMs as number;
    op.result = r.result;
  }
  return { op, lines: [line, undefined] };
}
