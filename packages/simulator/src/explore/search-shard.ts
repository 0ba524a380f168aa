import type { CheckModel, ModelState } from './check-model.ts';
import { PathMonitor } from './path-monitor.ts';
import type { SearchHash } from './search-hash.ts';
import { EMPTY_SLEEP, type SleepSet, type SleepSets, type Slept } from './sleep-sets.ts';
import { VisitedSet } from './visited.ts';

/** What became of one successor, as its shard saw it (see `ChunkReport`). */
export const enum Outcome {
  /** New to this shard; its `always` properties hold. */
  Fresh = 0,
  /** A handler threw or made an invalid effect: a violation wherever it comes in the order. */
  Error = 1,
  /** This shard made the same state earlier in the search's order, or knew it from before (see the constructor's `made`): not new anywhere. */
  Known = 2,
  /** New to this shard, and an `always` property fails in it. */
  Failing = 3,
}

/**
 * A shard's expansion of some of its parents, in their order: how many successors each
 * parent has (`counts`: the steps taken, so not those asleep), then for every successor
 * its name in the search (`hashes`, two words: see search-hash.ts) and its `Outcome`.
 * Successors are numbered from 0 within the level, across chunks.
 */
export interface ChunkReport {
  readonly counts: Uint32Array;
  readonly hashes: Uint32Array;
  /** With symmetry and sleep sets, each successor's own hash (two words), to tell images of one orbit apart; empty otherwise. */
  readonly own: Uint32Array;
  readonly outcomes: Uint8Array;
  /** The shard expanded every parent it was given for this level (or stopped: see `Limits`). */
  readonly last: boolean;
}

/**
 * When a shard is the whole search, what it makes new is new to the search, so it can stop
 * where the search will: after an Error or Failing successor, or after `maxFresh` Fresh
 * or Failing ones (the state budget). With several shards none is sure, and none stops.
 */
export interface Limits {
  readonly maxFresh: number;
}

interface Visit {
  readonly parent: number;
  /** The action's index among those enabled in the parent. */
  readonly i: number;
  readonly state: ModelState;
  /** The monitored properties' memories after the path to it (see PathMonitor), if its check needed them. */
  readonly memories: readonly unknown[] | undefined;
}

interface Successor {
  readonly parent: number;
  readonly i: number;
  readonly state: ModelState | undefined;
  readonly memories: readonly unknown[] | undefined;
  readonly failure: { property: string; message: string } | undefined;
  /** The steps asleep in it (sleep-sets.ts); narrowed by `accept`'s merges. */
  sleep: SleepSet;
}

/**
 * A state of the next level reached again on its level (see sleep-sets.ts): successor
 * `into` keeps only the steps also asleep in successor `from` of this shard, or those
 * named `keys` (asleep in another shard's successor); `keys` null: none stays asleep.
 */
export type SleepMerge = { readonly into: number; readonly from: number } | { readonly into: number; readonly keys: readonly string[] | null };

/**
 * One part of the breadth-first search: it holds the states of its part of the current
 * level (each with its path back to the search's first state: a shard keeps every
 * ancestor of its states, so their properties are checked along their own paths), expands
 * the parents it is given, hashes and checks what they produce, and keeps the successors
 * until it is told which of them are new to the whole search (`accept`). The search's
 * order (see check.ts) is decided by whoever merges the shards' reports; a single shard is
 * the one-thread search, worker threads each run one.
 */
export class SearchShard {
  private readonly visits: Visit[];
  /** The visits of the current level that this shard holds, in the search's order. */
  private level: number[];
  /** The steps asleep in each held state of the current level (empty without sleep sets). */
  private sleeps: SleepSet[] = [EMPTY_SLEEP];
  private parents: number[] = [];
  private cursor = 0;
  private pending: Successor[] = [];
  private readonly lanes = new Uint32Array(2);

  constructor(
    private readonly model: CheckModel,
    root: ModelState,
    /** The warm-up's path, which begins every path. */
    private readonly prefix: readonly { i: number; label: string }[],
    private readonly hash: SearchHash,
    /** The partial-order reduction, if on. */
    private readonly por: SleepSets | undefined,
    /** The states this shard knows were made before it (a one-thread search from a later root: every state seen); the shard adds its own. */
    private readonly made = new VisitedSet(),
  ) {
    this.visits = [{ parent: -1, i: -1, state: root, memories: undefined }];
    this.level = [0];
    hash.lanes(root, this.lanes);
    this.made.add(this.lanes[0]!, this.lanes[1]!);
  }

  /** How many states of the current level this shard holds. */
  get size(): number {
    return this.level.length;
  }

  /** Expand, this level, the held states whose place among them is `offset` modulo `stride` (1, 0: all of them). */
  beginLevel(stride: number, offset: number): void {
    this.parents = [];
    for (let k = offset; k < this.level.length; k += stride) this.parents.push(k);
    this.cursor = 0;
    this.pending = [];
  }

  /**
   * Expands up to `maxParents` more parents of this level. All of it runs under the
   * determinism guard, installed once for the chunk instead of once per step and check:
   * between them it runs only the search's own hashing and bookkeeping, which read no clock.
   */
  expand(maxParents: number, limits: Limits | undefined): ChunkReport {
    return this.model.guarded(() => this.expandGuarded(maxParents, limits));
  }

  private expandGuarded(maxParents: number, limits: Limits | undefined): ChunkReport {
    const model = this.model;
    const end = Math.min(this.parents.length, this.cursor + maxParents);
    const por = this.por;
    const own = por !== undefined && this.hash.symmetric ? ([] as number[]) : undefined;
    const counts: number[] = [];
    const hashes: number[] = [];
    const outcomes: number[] = [];
    let fresh = 0;
    let stopped = false;
    for (; this.cursor < end && !stopped; this.cursor++) {
      const place = this.parents[this.cursor]!;
      const parent = this.level[place]!;
      const asleep = this.sleeps[place] ?? EMPTY_SLEEP;
      const s = this.visits[parent]!.state;
      const actions = model.actions(s);
      const taken: Slept[] = [];
      let n = 0;
      for (let i = 0; i < actions.length; i++) {
        const a = actions[i]!;
        if (por?.asleep(asleep, s, a)) continue;
        const reads = model.clockReads;
        const r = model.apply(s, a);
        let sleep = EMPTY_SLEEP;
        if (por !== undefined) {
          const step = por.describe(s, a, model.clockReads !== reads);
          sleep = por.child(s, asleep, taken, step);
          taken.push(step);
        }
        n++;
        if (own !== undefined) {
          model.hashLanes(r.state, this.lanes);
          own.push(this.lanes[0]!, this.lanes[1]!);
        }
        this.hash.lanes(r.state, this.lanes);
        hashes.push(this.lanes[0]!, this.lanes[1]!);
        let outcome: Outcome;
        let failure = r.error;
        let memories: readonly unknown[] | undefined;
        if (failure !== undefined) outcome = Outcome.Error;
        else if (!this.made.add(this.lanes[0]!, this.lanes[1]!)) outcome = Outcome.Known;
        else {
          // A fresh monitor for each: properties remember what they saw per path (see PathMonitor).
          const monitor = this.monitorAlong(parent);
          failure = monitor.check(r.state, model.always, 'running');
          memories = monitor.memoriesNow;
          outcome = failure === undefined ? Outcome.Fresh : Outcome.Failing;
          fresh++;
        }
        outcomes.push(outcome);
        // A known state is not kept: it will not be in the next level, and its path is not asked for.
        this.pending.push({ parent, i, state: outcome === Outcome.Known ? undefined : r.state, memories, failure, sleep });
        if (limits !== undefined && (failure !== undefined || fresh >= limits.maxFresh)) {
          stopped = true;
          break;
        }
      }
      counts.push(n);
    }
    return {
      counts: Uint32Array.from(counts),
      hashes: Uint32Array.from(hashes),
      own: Uint32Array.from(own ?? []),
      outcomes: Uint8Array.from(outcomes),
      last: stopped || this.cursor >= this.parents.length,
    };
  }

  /** The names of the steps asleep in each of these successors of this level (for another shard's `SleepMerge`). */
  sleepKeys(successors: readonly number[]): string[][] {
    return successors.map((k) => this.pending[k]!.sleep.map((x) => x.key));
  }

  /** The next level: the successors (numbered as in the reports) that are new to the search, in its order, their sleep sets merged first. */
  accept(successors: ArrayLike<number>, merges: readonly SleepMerge[] = []): void {
    for (const m of merges) {
      const x = this.pending[m.into]!;
      if ('from' in m) x.sleep = this.por!.meet(x.sleep, this.pending[m.from]!.sleep);
      else x.sleep = m.keys === null ? EMPTY_SLEEP : x.sleep.filter((y) => m.keys!.includes(y.key));
    }
    const level: number[] = [];
    const sleeps: SleepSet[] = [];
    for (let k = 0; k < successors.length; k++) {
      const x = this.pending[successors[k]!]!;
      if (x.state === undefined) throw new Error(`successor ${successors[k]} was known to this shard: it cannot be new to the search`);
      this.visits.push({ parent: x.parent, i: x.i, state: x.state, memories: x.memories });
      level.push(this.visits.length - 1);
      sleeps.push(x.sleep);
    }
    this.level = level;
    this.sleeps = sleeps;
    this.pending = [];
  }

  /** Why successor `k` of this level failed, and its path. */
  failure(k: number): { property: string; message: string; path: { i: number; label: string }[] } {
    const x = this.pending[k]!;
    return { ...x.failure!, path: [...this.pathTo(x.parent), this.choice(this.visits[x.parent]!.state, x.i)] };
  }

  /** The path to the `k`th held state of the current level. */
  pathOf(k: number): { i: number; label: string }[] {
    return this.pathTo(this.level[k]!);
  }

  /** The `k`th held state of the current level. */
  stateOf(k: number): ModelState {
    return this.visits[this.level[k]!]!.state;
  }

  /** A monitor that has seen the states from the search's start to the `k`th held state of the current level, that one included. */
  monitorOf(k: number): PathMonitor {
    return this.monitorAlong(this.level[k]!);
  }

  /** A monitor along the path to visit `v`, with the memories the visit's check left (the path is gathered only if a property with memory needs it). */
  private monitorAlong(v: number): PathMonitor {
    return PathMonitor.along(
      this.model,
      () => {
        const states: ModelState[] = [];
        for (let k = v; k >= 0; k = this.visits[k]!.parent) states.push(this.visits[k]!.state);
        return states.reverse();
      },
      this.visits[v]!.memories,
    );
  }

  private pathTo(v: number): { i: number; label: string }[] {
    const out: { i: number; label: string }[] = [];
    for (let k = v; this.visits[k]!.parent >= 0; k = this.visits[k]!.parent) {
      const x = this.visits[k]!;
      out.push(this.choice(this.visits[x.parent]!.state, x.i));
    }
    return [...this.prefix, ...out.reverse()];
  }

  private choice(s: ModelState, i: number): { i: number; label: string } {
    return { i, label: this.model.label(s, this.model.actions(s)[i]!) };
  }
}
