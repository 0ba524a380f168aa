import { EdnError, readEdn, toPlain } from './edn.ts';
import { HistoryInputError, type EventType, type HistoryEvent } from './history-events.ts';

/** `INFO  jepsen.util - 3	:ok	:read	nil`: the log lines of Jepsen's older tests that Porcupine reads. */
const LINE = /^\s*INFO\s+jepsen\.util\s+-\s+(\S+)\s+:(invoke|ok|fail|info)\s+:(\S+)\s*(.*)$/;

/** Whether `text` looks like a Jepsen log of the kind Porcupine's etcd tests read. */
export function isPorcupineLog(text: string): boolean {
  const first = text.split('\n', 20).find((l) => l.trim() !== '');
  return first !== undefined && LINE.test(first);
}

/**
 * The events of a Jepsen log as Porcupine reads it (its etcd test data): each
 * `jepsen.util` line is `process :type :f value`, the value in EDN. Porcupine's reading
 * of `:fail` is kept: a failed cas was refused because the register held another
 * value (`failIsResult`), and a read that failed with `:timed-out` is open. Lines that
 * are not operation lines (other loggers, the nemesis) are left out.
 */
export function readPorcupineLog(text: string): { events: HistoryEvent[]; skipped: number } {
  const events: HistoryEvent[] = [];
  let skipped = 0;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const m = LINE.exec(raw);
    if (m === null || !/^\d+$/.test(m[1]!)) {
      skipped++;
      return;
    }
    let value: unknown = null;
    if (m[4]!.trim() !== '') {
      try {
        const forms = readEdn(m[4]!);
        if (forms.length !== 1) throw new HistoryInputError(line, `expected one value after :${m[3]}, found ${forms.length}`);
        value = toPlain(forms[0]!.value);
      } catch (err) {
        if (err instanceof EdnError) throw new HistoryInputError(line, `${err.reason} in the value`);
        throw err;
      }
    }
    let type = m[2] as EventType;
    if (type === 'fail' && value === 'timed-out') type = 'info';
    events.push({ process: m[1]!, type, f: m[3]!, value, key: undefined, line });
  });
  return { events, skipped };
}
