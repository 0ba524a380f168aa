import { Outcome, type ChunkReport, type SleepMerge } from './search-shard.ts';
import type { VisitedSet } from './visited.ts';

/**
 * The breadth-first search's order and its decisions, apart from who computes the states.
 * Shards (see search-shard.ts) expand parents and report what each successor hashed to;
 * this plan walks the reports in the search's order and decides, exactly as one thread
 * expanding the level in order would: the order of a level is its parents' order, then
 * each parent's actions' order; a successor is new when its hash was not seen before it in
 * that order; the search stops at the first successor that is an error or a new state in
 * which an `always` property fails (so "the first violation" is the first in that order,
 * at the smallest depth), or when `maxStates` states are known. With one shard, the plan
 * is the one-thread search; with several, each keeps the states it made (their paths
 * too), the levels are split between them, and the counts and the violation are the same.
 * With sleep sets, a state of the next level reached again on its level keeps only the
 * steps asleep along every path it was reached by (none, if one of them reached another
 * image of it under symmetry): the plan sees every such arrival, in whichever shard, and
 * tells the shard holding the state to merge (`SleepMerge`), so each shard's sleep sets
 * are the ones the one-thread search has.
 *
 * The plan is a generator of requests to the shards: a driver (the one-thread `check`, or
 * the worker-thread one) carries each out and resumes it with the answer.
 */
export type Request =
  /** Every shard begins a level: `split` (stride = shards, offset = its index) or all of them expanding every held state; only `reporting` shards' reports are asked for. */
  | { readonly t: 'level'; readonly split: boolean; readonly reporting: readonly number[]; readonly limits: { maxFresh: number } | undefined }
  /** The next chunk of `shard`'s report for this level (resume with it). */
  | { readonly t: 'report'; readonly shard: number }
  /** The names of the steps asleep in these successors of `shard`'s (resume with them, one list per successor). */
  | { readonly t: 'sleeps'; readonly shard: number; readonly successors: readonly number[] }
  /** The level is decided: shards stop expanding it and keep these successors as the next level (`accept[k]` for shard k, after `merges[k]`; undefined: keep the current level). */
  | { readonly t: 'accept'; readonly accept: readonly (readonly number[])[] | undefined; readonly merges: readonly (readonly SleepMerge[])[] }
  /** The failure and path of `shard`'s successor (resume with them). */
  | { readonly t: 'failure'; readonly shard: number; readonly successor: number };

/** What a driver resumes the plan with: a report for `report`, a failure for `failure`, nothing otherwise. */
export type Answer = ChunkReport | PlanFailure | readonly (readonly string[])[] | undefined;

export interface PlanFailure {
  readonly property: string;
  readonly message: string;
  readonly path: readonly { i: number; label: string }[];
}

export interface PlanResult {
  readonly statesExplored: number;
  readonly statesUnique: number;
  readonly depth: number;
  readonly coverage: 'complete' | 'exhausted' | 'budget';
  /** Found in the search (at `depth`). */
  readonly violation: PlanFailure | undefined;
  /** Which shard holds each frontier state, in the search's order, and its place among that shard's; undefined: every shard holds the whole frontier. */
  readonly frontier: { readonly owners: readonly number[] } | undefined;
  readonly frontierSize: number;
}

export interface PlanOptions {
  readonly shards: number;
  readonly depth: number;
  readonly maxStates: number;
  /** The states seen so far, each with its place in the search's order (the root already in it; the searches from earlier roots' too): the plan adds the new ones. */
  readonly seen: VisitedSet;
  /** Steps taken so far, the root counted. */
  readonly explored: number;
  /** Sleep sets are on: merge those of states reached again on their level. */
  readonly sleepSets: boolean;
  /** Symmetry is on: shards report each successor's own hash beside its orbit's (`ChunkReport.own`) when sleep sets are on too. */
  readonly symmetric: boolean;
  /** A level with at least this many states is split between the shards (the smaller first levels are expanded by every shard alike). */
  readonly splitAt: number;
  readonly onProgress: (p: { depth: number; statesExplored: number; statesUnique: number; frontier: number }) => void;
  readonly progressEvery: number;
}

export function* searchPlan(o: PlanOptions): Generator<Request, PlanResult, Answer> {
  const seen = o.seen;
  const images = o.sleepSets && o.symmetric;
  let explored = o.explored;
  let depth = 0;
  let coverage: PlanResult['coverage'] = 'complete';
  /** Owners of the current level's states in order; undefined while every shard holds all of it. */
  let owners: number[] | undefined;
  let size = 1;
  const progress = () => o.onProgress({ depth, statesExplored: explored, statesUnique: seen.size, frontier: size });
  const single = o.shards === 1;
  while (depth < o.depth) {
    const split = !single && owners === undefined && size >= o.splitAt;
    const parentOwner = (k: number): number => (owners !== undefined ? owners[k]! : split ? k % o.shards : 0);
    const reporting = owners !== undefined || split ? range(o.shards) : [0];
    yield { t: 'level', split, reporting, limits: single ? { maxFresh: Math.max(1, o.maxStates - seen.size) } : undefined };
    const reports: (ChunkReport | undefined)[] = Array.from({ length: o.shards }, () => undefined);
    /** Per shard: the next parent in its report, the next successor in its report, and the successor's number in the level. */
    const at = Array.from({ length: o.shards }, () => ({ parent: 0, succ: 0, number: 0 }));
    const accept: number[][] = Array.from({ length: o.shards }, () => []);
    const nextOwners: number[] = [];
    /** The next level's states' successor numbers in their shards, and (`images`) their own hashes. */
    const nextSuccessors: number[] = [];
    const nextOwn: number[] = [];
    const levelBase = seen.size;
    const merges = new Merges(o.shards);
    let stop: { t: 'error' | 'failing'; shard: number; successor: number } | 'budget' | undefined;
    level: for (let k = 0; k < size; k++) {
      const w = parentOwner(k);
      let r = reports[w];
      const c = at[w]!;
      while (r === undefined || c.parent >= r.counts.length) {
        if (r?.last === true) throw new Error(`search shard ${w} reported fewer parents than it holds`);
        r = reports[w] = (yield { t: 'report', shard: w }) as ChunkReport;
        c.parent = 0;
        c.succ = 0;
      }
      const n = r.counts[c.parent++]!;
      for (let j = 0; j < n; j++, c.succ++, c.number++) {
        explored++;
        if (explored % o.progressEvery === 0) progress();
        const outcome = r.outcomes[c.succ]! as Outcome;
        if (outcome === Outcome.Error) {
          stop = { t: 'error', shard: w, successor: c.number };
          break level;
        }
        const first = seen.insert(r.hashes[2 * c.succ]!, r.hashes[2 * c.succ + 1]!, seen.size);
        if (first >= 0) {
          if (o.sleepSets && first >= levelBase) {
            const p = first - levelBase;
            const same = !images || (nextOwn[2 * p] === r.own[2 * c.succ] && nextOwn[2 * p + 1] === r.own[2 * c.succ + 1]);
            merges.add(nextOwners[p]!, nextSuccessors[p]!, same ? { shard: w, successor: c.number } : undefined);
          }
          continue;
        }
        if (outcome === Outcome.Known) throw new Error(`search shard ${w} had made a state the search had not seen`);
        if (outcome === Outcome.Failing) {
          stop = { t: 'failing', shard: w, successor: c.number };
          break level;
        }
        accept[w]!.push(c.number);
        nextOwners.push(w);
        nextSuccessors.push(c.number);
        if (images) nextOwn.push(r.own[2 * c.succ]!, r.own[2 * c.succ + 1]!);
        if (seen.size >= o.maxStates) {
          stop = 'budget';
          break level;
        }
      }
    }
    const counts = () => ({ statesExplored: explored, statesUnique: seen.size, depth: depth + 1, coverage });
    if (stop !== undefined && stop !== 'budget') {
      const failure = (yield { t: 'failure', shard: stop.shard, successor: stop.successor }) as PlanFailure;
      yield { t: 'accept', accept: undefined, merges: [] };
      return { ...counts(), violation: { property: failure.property, message: failure.message, path: failure.path }, frontier: undefined, frontierSize: 0 };
    }
    if (stop === undefined && nextOwners.length === 0) {
      yield { t: 'accept', accept: undefined, merges: [] };
      coverage = 'exhausted';
      break;
    }
    // The sleep sets of a level the search will not expand do not matter.
    const merged: SleepMerge[][] = stop === 'budget' ? [] : yield* merges.resolve();
    // Every shard that expanded the level alike keeps what the reporting one kept.
    const alike = <T>(xs: T[]): T[] => (reporting.length === 1 ? Array.from({ length: o.shards }, () => xs[0]!) : xs);
    yield { t: 'accept', accept: alike(accept), merges: merged.length === 0 ? [] : alike(merged) };
    owners = reporting.length === 1 ? undefined : nextOwners;
    size = nextOwners.length;
    depth++;
    if (stop === 'budget') {
      coverage = 'budget';
      break;
    }
    progress();
  }
  progress();
  return { statesExplored: explored, statesUnique: seen.size, depth, coverage, violation: undefined, frontier: owners === undefined ? undefined : { owners }, frontierSize: size };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_x, k) => k);
}

/** The sleep-set merges of one level, by the shard holding the state reached again. */
class Merges {
  private readonly local: SleepMerge[][];
  /** Merges from another shard's successor: into (owner, successor) from (shard, successor). */
  private readonly remote: { owner: number; into: number; shard: number; successor: number }[] = [];

  constructor(shards: number) {
    this.local = Array.from({ length: shards }, () => []);
  }

  /** Successor `into` of shard `owner` was reached again, by `from` (undefined: as another image, waking every step). */
  add(owner: number, into: number, from: { shard: number; successor: number } | undefined): void {
    if (from === undefined) this.local[owner]!.push({ into, keys: null });
    else if (from.shard === owner) this.local[owner]!.push({ into, from: from.successor });
    else this.remote.push({ owner, into, ...from });
  }

  /** Every shard's merges, the names asleep in other shards' successors fetched from them. */
  *resolve(): Generator<Request, SleepMerge[][], Answer> {
    const out = this.local.map((m) => m.slice());
    for (let w = 0; w < out.length; w++) {
      const mine = this.remote.filter((m) => m.shard === w);
      if (mine.length === 0) continue;
      const keys = (yield { t: 'sleeps', shard: w, successors: mine.map((m) => m.successor) }) as readonly (readonly string[])[];
      mine.forEach((m, j) => out[m.owner]!.push({ into: m.into, keys: keys[j]! }));
    }
    return out;
  }
}
