/**
 * Causal consistency across the two data types: a get never returns what a write in its
 * causal past had overwritten, where that past runs through the lists of posts as well
 * as the keys (`causal-past.ts`). The key-value causal checker (the protocol's declared
 * `consistency`) sees only puts and gets; this one also sees, for instance, a client that
 * reads a post whose author had put a value before posting it: from then on the client's
 * gets of that key must return that value or one not causally before it.
 */
import type { Operation, Property } from '@faultline/runtime';
import { causalProperty } from './causal-monitor.ts';
import { walkCausalPast, type Made, type SessionView } from './causal-past.ts';
import type { Req, Res } from './messages.ts';
import type { State } from './state.ts';

type Op = Operation<Req, Res>;

/** Checks every answered get of the history; the first violation found, or true. */
export function checkCausalGets(history: readonly Op[]): string | true {
  return walkCausalPast(history, checkAnswer);
}

const checkAnswer = (op: Op, made: ReadonlyMap<string, Made>, seen: SessionView): string | true =>
  op.req.type === 'get' && op.result?.type === 'get-ok' ? checkGet(op, op.req.key, op.result.value, made, seen) : true;

function checkGet(op: Op, key: string, value: string | null, made: ReadonlyMap<string, Made>, seen: SessionView): string | true {
  for (const update of seen) {
    const m = made.get(update)!;
    if (m.kind !== 'put' || m.about !== key || update === value) continue;
    if (value !== null && !m.past.has(value)) continue;
    const got = value === null ? 'the initial value' : value;
    const why = value === null ? '' : `, whose put had seen ${value} first`;
    return `${op.client} ${op.id} got ${got} for key ${key} from ${op.node ?? '?'}, but ${update} (put by ${m.op.client}${why}) is in the client's causal past`;
  }
  return true;
}

/** Gets respect the causal past through both data types (see above), checked as the run goes on and once more when it is quiescent (`causalProperty`). */
export const causalGets: Property<State, Req, Res> = causalProperty(
  'causal-gets',
  "a get never returns a value overwritten by a put in the client's causal past, which runs through the lists of posts too",
  checkAnswer,
);
