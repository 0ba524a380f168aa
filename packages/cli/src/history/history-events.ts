/** The kinds of a Jepsen history event: an invocation and its three possible completions. */
export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

/** One event of a history read from a file (Jepsen's shape, whatever the file's format). */
export interface HistoryEvent {
  readonly process: string;
  readonly type: EventType;
  readonly f: string;
  readonly value: unknown;
  /** A separate key field (Porcupine's key-value logs write `:key`); undefined if none. */
  readonly key: unknown;
  readonly line: number;
}

/**
 * An invocation paired with its completion. `outcome` `info` (Jepsen: the result is
 * unknown; the operation may take effect at any later time, or never) and `pending` (no
 * completion in the file) are both open. `at` numbers events in file order: the order
 * the history was recorded in, which is what real-time order means for these formats.
 */
export interface HistoryOp {
  readonly process: string;
  readonly f: string;
  readonly key: unknown;
  readonly invokeValue: unknown;
  readonly outcome: 'ok' | 'fail' | 'info' | 'pending';
  /** The completion's value (undefined when open). */
  readonly value: unknown;
  readonly invokeLine: number;
  readonly completeLine: number | undefined;
  readonly invokeAt: number;
  readonly completeAt: number | undefined;
}

/** Bad input, with the line it is on (1-based). */
export class HistoryInputError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'HistoryInputError';
  }
}

/**
 * Pairs each process's invocation with its next completion, in file order. A process
 * has at most one operation in flight: an invocation while one is open, or a completion
 * with none open, is an error naming both lines.
 */
export function pairEvents(events: readonly HistoryEvent[]): HistoryOp[] {
  const open = new Map<string, { event: HistoryEvent; at: number; index: number }>();
  const ops: (HistoryOp | undefined)[] = [];
  events.forEach((e, at) => {
    const inFlight = open.get(e.process);
    if (e.type === 'invoke') {
      if (inFlight !== undefined)
        throw new HistoryInputError(e.line, `process ${e.process} invokes ${e.f} while its ${inFlight.event.f} from line ${inFlight.event.line} has not completed`);
      open.set(e.process, { event: e, at, index: ops.length });
      ops.push(undefined);
      return;
    }
    if (inFlight === undefined) throw new HistoryInputError(e.line, `process ${e.process} completes (:${e.type}) an operation it never invoked`);
    if (inFlight.event.f !== e.f) throw new HistoryInputError(e.line, `process ${e.process} completes ${e.f} but invoked ${inFlight.event.f} on line ${inFlight.event.line}`);
    open.delete(e.process);
    ops[inFlight.index] = opOf(inFlight.event, inFlight.at, e, at);
  });
  for (const { event, at, index } of open.values()) ops[index] = opOf(event, at, undefined, undefined);
  return ops as HistoryOp[];
}

function opOf(invoke: HistoryEvent, invokeAt: number, done: HistoryEvent | undefined, completeAt: number | undefined): HistoryOp {
  const outcome = done === undefined ? 'pending' : done.type === 'invoke' ? 'pending' : done.type;
  return {
    process: invoke.process,
    f: invoke.f,
    key: invoke.key,
    invokeValue: invoke.value,
    outcome,
    value: outcome === 'ok' || outcome === 'fail' ? done!.value : undefined,
    invokeLine: invoke.line,
    completeLine: done?.line,
    invokeAt,
    completeAt,
  };
}
