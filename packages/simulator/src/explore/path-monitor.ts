import type { Operation, Property, SystemView } from '@faultline/runtime';
import type { CheckModel, ModelState } from './check-model.ts';

type Failure = { property: string; message: string } | undefined;

/**
 * Properties may remember what they saw earlier in a run: a run hands them one history
 * array that grows as the run goes, and a property may key its memory on it (a leader
 * seen in a term, a node's earlier incarnations). The search's states share history
 * arrays across branches, so checked directly, one branch's memory would leak into
 * another. A monitor is one path's run: its own history array, shown every state of the
 * path in order, as the simulator shows a run's.
 */
export class PathMonitor {
  private readonly history: Operation[] = [];

  constructor(private readonly model: CheckModel) {}

  /** A monitor that has been shown `states` in order (their `always` properties; a failure among them is ignored: it was reported when that state was first checked). */
  static along(model: CheckModel, states: readonly ModelState[]): PathMonitor {
    const m = new PathMonitor(model);
    for (const s of states) m.check(s, model.always, 'running');
    return m;
  }

  /** Shows the path's next state to `props`; the first that fails, or undefined. */
  check(s: ModelState, props: readonly Property[], phase: SystemView['phase']): Failure {
    this.history.length = 0;
    for (const op of s.ops) this.history.push(op as Operation);
    return this.model.failing(s, props, phase, this.history);
  }
}
