import type { Operation } from '@faultline/runtime';
import { readFaultlineJsonl, type SourcedOperation } from './faultline-jsonl.ts';
import { HistoryInputError, pairEvents, type HistoryEvent, type HistoryOp } from './history-events.ts';
import type { Translated } from './history-models.ts';
import { isPorcupineLog, readPorcupineLog } from './porcupine-log.ts';
import { readJepsenEdn } from './jepsen-edn.ts';

export const HISTORY_FORMATS = ['edn', 'porcupine', 'jsonl'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

export const FORMAT_NAMES: Readonly<Record<HistoryFormat, string>> = { edn: 'Jepsen EDN', porcupine: "Jepsen log (Porcupine's)", jsonl: 'faultline JSON lines' };

export interface LoadedHistory {
  readonly format: HistoryFormat;
  /** In invocation order. */
  readonly ops: readonly SourcedOperation[];
  /** Events or records that are not operations (the nemesis, other trace records, other log lines). */
  readonly skipped: number;
  /** `:fail` operations left out: they did not happen. */
  readonly failed: number;
  /** What the operations' times count: events in file order (Jepsen's formats) or simulated ms. */
  readonly timeUnit: 'event' | 'ms';
}

/** The format of `text`, from its first lines. */
export function detectFormat(text: string): HistoryFormat {
  if (isPorcupineLog(text)) return 'porcupine';
  const start = /^(?:\s|;[^\n]*\n)*(\S)(\S)?/.exec(text);
  return start !== null && start[1] === '{' && start[2] === '"' ? 'jsonl' : 'edn';
}

/**
 * Reads a history file's text as operations of a model. Jepsen's formats go through
 * `translate` (the model's reading of `:f` and `:value`); faultline's JSON lines already
 * hold the model's requests and results.
 */
export function loadHistory(text: string, format: HistoryFormat, translate: (op: HistoryOp, failIsResult: boolean) => Translated | 'skip'): LoadedHistory {
  if (format === 'jsonl') {
    const { ops, skipped } = readFaultlineJsonl(text);
    return { format, ops, skipped, failed: 0, timeUnit: 'ms' };
  }
  const read: { events: HistoryEvent[]; skipped: number } = format === 'edn' ? readJepsenEdn(text) : readPorcupineLog(text);
  if (read.events.length === 0) throw new HistoryInputError(1, `no operations found (is this ${FORMAT_NAMES[format]}? see --format)`);
  const ops: SourcedOperation[] = [];
  let failed = 0;
  pairEvents(read.events).forEach((h, n) => {
    const t = translate(h, format === 'porcupine');
    if (t === 'skip') {
      failed++;
      return;
    }
    const op: Operation = {
      id: `op${n}`,
      client: `p${h.process}`,
      req: t.req,
      invokeMs: h.invokeAt,
      status: h.outcome === 'ok' || (h.outcome === 'fail' && t.result !== undefined) ? 'ok' : h.outcome === 'pending' ? 'pending' : 'timeout',
      attempts: 1,
    };
    if (op.status === 'ok') {
      op.completeMs = h.completeAt!;
      op.result = t.result;
    }
    ops.push({ op, lines: [h.invokeLine, h.completeLine] });
  });
  return { format, ops, skipped: read.skipped, failed, timeUnit: 'event' };
}
