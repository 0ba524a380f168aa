import type { Operation, Property, SystemView } from '@faultline/runtime';
import { judged, threw, verdict, type CheckModel, type ModelState } from './check-model.ts';

type Failure = { property: string; message: string } | undefined;

/** A check a monitor was asked for after it was made: the state, the properties shown it (up to the first that failed), the phase. */
interface Shown {
  readonly s: ModelState;
  readonly props: readonly Property[];
  readonly phase: SystemView['phase'];
}

/**
 * Properties may remember what they saw earlier in a run: a run hands them one history
 * array that grows as the run goes, and a property may key its memory on it (a leader
 * seen in a term, a node's earlier incarnations). The search's states share history
 * arrays across branches, so checked directly, one branch's memory would leak into
 * another. A monitor is one path's run: it shows a property with memory every state of
 * the path in order, as the simulator shows a run's, on the monitor's own history array.
 *
 * A property without memory needs none of that: its verdict on a state is the state's
 * alone. Such a property is checked on the new state only, on a view whose history is a
 * fresh copy of the state's. It is one that declares `memoryless`, or one that has not
 * read `view.history` in any check of this search: memory must be keyed on the history
 * array, so a property that never reads it kept nothing. The first time an undeclared
 * property reads the history, its verdict is thrown away, the model marks it (for the
 * rest of the search: `CheckModel.replayed`) and the check starts again, the replayed
 * properties shown the whole path on a new history array; so a property that reads the
 * history only in some states is still shown every state of its path. The path is
 * gathered (`states` called) only when a replayed property is checked.
 *
 * A property whose memory is explicit (`Property.monitor`) is shown the new state alone
 * too, with the memory the monitor keeps for it: the memory it was made with (a search
 * hands each state's to its successors' monitors), or else its monitor run along the
 * path, once, when first needed.
 */
export class PathMonitor {
  /** The history array the replayed properties key their memory on, shown every state the monitor was shown with them. */
  private history: Operation[] = [];
  /** How many replayed properties `history` is up to date for (`CheckModel.replayed` only grows: its first ones); -1 until one is needed. */
  private synced = -1;
  /** The checks since the monitor was made, after the path it was made along. */
  private readonly later: Shown[] = [];

  /**
   * `states`: the path this monitor has been shown already, for its `always` properties
   * (none by default). `memories`: the memory of each of the model's monitored properties
   * after that path (see `CheckModel.monitored`), if known; otherwise their monitors are
   * run along the path when first needed.
   */
  constructor(
    private readonly model: CheckModel,
    private readonly states: () => readonly ModelState[] = () => [],
    private memories: readonly unknown[] | undefined = undefined,
  ) {}

  /**
   * A monitor that has been shown `states` in order (their `always` properties, all of
   * them: a search's ancestors held). Nothing is checked until a property with memory
   * needs it; `states` may be a function, called then. `memories` as for the constructor.
   */
  static along(model: CheckModel, states: readonly ModelState[] | (() => readonly ModelState[]), memories?: readonly unknown[]): PathMonitor {
    return new PathMonitor(model, typeof states === 'function' ? states : () => states, memories);
  }

  /** The monitored properties' memories after the states shown so far, if they were needed (a search gives them to the next state's monitor). */
  get memoriesNow(): readonly unknown[] | undefined {
    return this.memories;
  }

  /** Shows the path's next state to `props`, in order; the first that fails, or undefined. */
  check(s: ModelState, props: readonly Property[], phase: SystemView['phase']): Failure {
    if (props.length === 0) return undefined;
    return this.model.guarded(() => {
      for (;;) {
        const r = this.attempt(s, props, phase);
        if (r !== RESTART) return r;
      }
    });
  }

  /** The check, or RESTART when a property was found to read the history (it is replayed from now on, the others again from the path's start). */
  private attempt(s: ModelState, props: readonly Property[], phase: SystemView['phase']): Failure | typeof RESTART {
    const replayed = this.model.replayed;
    let view: StateView | undefined;
    let pathView: SystemView | undefined;
    let failed: Failure;
    /** The monitored properties' memories after this check, copied on the first that changes. */
    let memories: unknown[] | undefined;
    let k = 0;
    for (; k < props.length && failed === undefined; k++) {
      const p = props[k]!;
      const monitor = p.monitor;
      if (monitor !== undefined) {
        const j = this.model.monitored.indexOf(p);
        const before = (memories ?? this.memoriesBefore())[j];
        try {
          const r = monitor.next(before, (view ??= new StateView(this.model, s, phase)));
          if (r.memory !== before) (memories ??= this.memoriesBefore().slice())[j] = r.memory;
          failed = judged(p, r.result);
        } catch (err) {
          failed = threw(p, err);
        }
        continue;
      }
      if (replayed.has(p)) {
        failed = verdict(p, (pathView ??= this.pathView(s, phase)));
        continue;
      }
      view ??= new StateView(this.model, s, phase);
      view.read = false;
      failed = verdict(p, view);
      if (!view.read || p.memoryless === true) continue;
      replayed.add(p);
      return RESTART;
    }
    this.later.push({ s, props: k === props.length ? props : props.slice(0, k), phase });
    if (memories !== undefined) this.memories = memories;
    return failed;
  }

  /** The monitored properties' memories before this check: their monitors run along the path and the earlier checks, the first time they are needed. */
  private memoriesBefore(): readonly unknown[] {
    if (this.memories !== undefined) return this.memories;
    const monitored = this.model.monitored;
    const m = monitored.map((p) => p.monitor!.initial);
    if (monitored.length > 0) {
      for (const x of this.states()) advance(m, monitored, this.model.view(x, 'running'), this.model.always);
      for (const c of this.later) advance(m, monitored, this.model.view(c.s, c.phase), c.props);
    }
    return (this.memories = m);
  }

  /** `s`'s view on the replayed properties' history array, after they were shown every earlier state of the path (again from its start if the replayed set grew). */
  private pathView(s: ModelState, phase: SystemView['phase']): SystemView {
    const replayed = this.model.replayed;
    if (this.synced !== replayed.size) {
      this.synced = replayed.size;
      this.history = [];
      for (const x of this.states()) this.showAll(x, this.model.always, 'running');
      for (const c of this.later) this.showAll(c.s, c.props, c.phase);
    }
    return this.viewOn(s, phase);
  }

  /** Shows `s` to those of `props` that are replayed (their verdicts were given when `s` was first checked). */
  private showAll(s: ModelState, props: readonly Property[], phase: SystemView['phase']): void {
    const v = this.viewOn(s, phase);
    for (const p of props) if (this.model.replayed.has(p)) verdict(p, v);
  }

  private viewOn(s: ModelState, phase: SystemView['phase']): SystemView {
    const history = this.history;
    history.length = 0;
    for (const op of s.ops) history.push(op as Operation);
    return this.model.view(s, phase, history);
  }
}

const RESTART = Symbol('restart');

/** `memories` (of `monitored`) after `view` was shown to those of `props` that are monitored. A monitor that throws keeps its memory, as `alwaysWithMemory`'s check does; the verdicts were given when the states were first checked. */
function advance(memories: unknown[], monitored: readonly Property[], view: SystemView, props: readonly Property[]): void {
  for (const p of props) {
    const j = monitored.indexOf(p);
    if (j < 0) continue;
    try {
      memories[j] = p.monitor!.next(memories[j], view).memory;
    } catch {
      // kept
    }
  }
}

/** `s`'s view, whose history is a copy of its own, made when first read (`read` tells whether it was). A class, so that making one costs no closures. */
class StateView implements SystemView {
  read = false;
  private copy: Operation[] | undefined;
  readonly nowMs: number;
  readonly nodes: SystemView['nodes'];

  constructor(
    model: CheckModel,
    private readonly s: ModelState,
    readonly phase: SystemView['phase'],
  ) {
    const v = model.view(s, phase);
    this.nowMs = v.nowMs;
    this.nodes = v.nodes;
  }

  get history(): SystemView['history'] {
    this.read = true;
    return (this.copy ??= this.s.ops.slice() as Operation[]);
  }
}
