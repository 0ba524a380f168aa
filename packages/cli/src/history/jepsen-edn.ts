import { EdnError, EdnMap, Keyword, Tagged, readEdn, toPlain, type EdnValue } from './edn.ts';
import { HistoryInputError, type EventType, type HistoryEvent } from './history-events.ts';

const TYPES: readonly EventType[] = ['invoke', 'ok', 'fail', 'info'];

/**
 * The events of a Jepsen history in EDN: one map per operation event
 * (`{:process 0, :type :invoke, :f :read, :value nil, ...}`), one after another or all
 * in one vector. Events of a process that is not a number or string (the `:nemesis`)
 * are left out: they are faults, not operations.
 */
export function readJepsenEdn(text: string): { events: HistoryEvent[]; skipped: number } {
  let forms;
  try {
    forms = readEdn(text);
  } catch (err) {
    if (err instanceof EdnError) throw new HistoryInputError(err.line, `${err.reason} (column ${err.column})`);
    throw err;
  }
  const maps: { value: EdnValue; line: number }[] = [];
  for (const form of forms) {
    if (Array.isArray(form.value) && forms.length === 1) for (const v of form.value) maps.push({ value: v, line: v instanceof EdnMap ? v.line : form.line });
    else maps.push(form);
  }
  const events: HistoryEvent[] = [];
  let skipped = 0;
  for (const form of maps) {
    const map = form.value instanceof EdnMap ? form.value : form.value instanceof Tagged && form.value.value instanceof EdnMap ? form.value.value : undefined;
    if (map === undefined) throw new HistoryInputError(form.line, 'expected an operation map like {:process 0, :type :invoke, :f :read, :value nil}');
    const line = map.line;
    const process = map.get('process');
    if (process instanceof Keyword) {
      skipped++;
      continue;
    }
    if (typeof process !== 'number' && typeof process !== 'string') throw new HistoryInputError(line, 'an operation needs a :process (a number)');
    const type = map.get('type');
    if (!(type instanceof Keyword) || !TYPES.includes(type.name as EventType))
      throw new HistoryInputError(line, `:type must be one of ${TYPES.map((t) => `:${t}`).join(' ')}, not ${type === undefined ? 'missing' : JSON.stringify(toPlain(type))}`);
    const f = map.get('f');
    if (f === undefined || f === null) throw new HistoryInputError(line, 'an operation needs an :f (the function, e.g. :read)');
    const key = map.get('key');
    events.push({ process: String(process), type: type.name as EventType, f: String(toPlain(f)), value: toPlain(map.get('value') ?? null), key: key === undefined ? undefined : toPlain(key), line });
  }
  return { events, skipped };
}
