import type { Action, CheckModel, ModelState } from './check-model.ts';
import { msgHash } from './state-hash.ts';

/**
 * Partial-order reduction by sleep sets (Godefroid): two steps that touch different
 * nodes, links and requests commute, so after exploring `a` then `b` from a state, the
 * search need not explore `b` then `a`. Each state of the frontier carries the steps
 * that are asleep in it: taken already at an ancestor, and independent of every step
 * since, so their outcome from here is reached by another path of the same length.
 * Sleep sets prune steps, not states: the search visits the same states, in the same
 * order, and runs fewer handlers (`statesExplored` drops, `statesUnique` does not).
 *
 * Independence is judged at the state where both steps are enabled:
 * - a step's footprint is the node whose handler it runs, the link whose oldest message
 *   it takes (or, with reordering, the link it takes a message from), and the request it
 *   takes; two steps are independent when their footprints are disjoint;
 * - a reply reaching its client, a retry, a crash, a restart and a join are dependent on
 *   every step (they change the history or what is enabled);
 * - a step that moves the logical clock (every step untimed, a timer due after the
 *   current time timed) is dependent on a step whose handler read the clock, which the
 *   model counts (`CheckModel.clockReads`; timed, setting a timer reads it, since the
 *   timer's lead is part of the state), unless both are timers due at the same time.
 * A state reached again on the same level keeps only the steps asleep along both paths;
 * one reached again on a later level was expanded from its shortest path.
 */
export interface Slept {
  readonly key: string;
  readonly node: number;
  readonly resources: readonly string[];
  readonly readsClock: boolean;
  /** A timer's due time, or -1. */
  readonly dueMs: number;
  readonly global: boolean;
}

export type SleepSet = readonly Slept[];

export const EMPTY_SLEEP: SleepSet = [];

export class SleepSets {
  constructor(private readonly model: CheckModel) {}

  /** A stable name for `a` in `s`: the same step in the states that follow while it is enabled and untouched. */
  key(s: ModelState, a: Action): string {
    switch (a.k) {
      case 'deliver':
      case 'drop':
      case 'duplicate': {
        const m = s.msgs[a.i]!;
        return this.reorders ? `${a.k} ${m.from}>${m.to} ${msgHash(m)}` : `${a.k} ${m.from}>${m.to}`;
      }
      case 'request':
      case 'lose-request': {
        const r = s.reqs[a.i]!;
        return `${a.k} ${requestKey(r)}`;
      }
      case 'timer':
        return `timer ${a.node} ${a.tag}`;
      default:
        return this.model.label(s, a);
    }
  }

  /** Whether `a` is asleep in `sleep`. */
  asleep(sleep: SleepSet, s: ModelState, a: Action): boolean {
    if (sleep.length === 0) return false;
    const key = this.key(s, a);
    return sleep.some((x) => x.key === key);
  }

  /** What `a`, just taken in `s`, touched: `readsClock` is whether its handler read the clock. */
  describe(s: ModelState, a: Action, readsClock: boolean): Slept {
    const key = this.key(s, a);
    switch (a.k) {
      case 'deliver':
      case 'drop':
      case 'duplicate': {
        const m = s.msgs[a.i]!;
        const node = a.k === 'drop' ? -1 : this.model.nodeIds.indexOf(m.to);
        return { key, node, resources: [`link ${m.from}>${m.to}`], readsClock, dueMs: -1, global: false };
      }
      case 'request':
      case 'lose-request': {
        const r = s.reqs[a.i]!;
        const node = a.k === 'request' ? this.model.nodeIds.indexOf(r.node) : -1;
        return { key, node, resources: [`op ${r.op}`], readsClock, dueMs: -1, global: false };
      }
      case 'timer': {
        const dueMs = s.nodes[a.node]!.timers.find((t) => t.tag === a.tag)!.dueMs;
        return { key, node: a.node, resources: [], readsClock, dueMs, global: false };
      }
      default:
        return { key, node: -1, resources: [], readsClock, dueMs: -1, global: true };
    }
  }

  /** Whether `x` and `y`, both enabled in `s`, commute (up to the state's hash, which leaves out the clock). */
  independent(s: ModelState, x: Slept, y: Slept): boolean {
    if (x.global || y.global) return false;
    if (x.node >= 0 && x.node === y.node) return false;
    if (x.resources.some((r) => y.resources.includes(r))) return false;
    if (x.dueMs >= 0 && x.dueMs === y.dueMs) return true;
    return !((this.movesClock(s, x) && y.readsClock) || (this.movesClock(s, y) && x.readsClock));
  }

  /**
   * The sleep set of the state `a_i` leads to from `s`: the steps asleep in `s` and the
   * steps taken from `s` before it (`taken`, in order), those independent of it.
   */
  child(s: ModelState, sleep: SleepSet, taken: readonly Slept[], step: Slept): SleepSet {
    const out: Slept[] = [];
    for (const x of sleep) if (this.independent(s, x, step)) out.push(x);
    for (const x of taken) if (this.independent(s, x, step)) out.push(x);
    return out;
  }

  /** A state reached again on its level: only the steps asleep along both paths stay asleep. */
  meet(a: SleepSet, b: SleepSet): SleepSet {
    if (a.length === 0 || b.length === 0) return EMPTY_SLEEP;
    return a.filter((x) => b.some((y) => y.key === x.key));
  }

  private get reorders(): boolean {
    return !this.model.ken && this.model.faults.includes('reorder');
  }

  /** Untimed, every step moves the clock by 1 ms; timed, only a timer due after the current time does. */
  private movesClock(s: ModelState, x: Slept): boolean {
    if (!this.model.timed) return true;
    return x.dueMs > s.clockMs;
  }
}

function requestKey(r: { op: string; node: string; redirects: number }): string {
  return `${r.op} ${r.node} ${r.redirects}`;
}
