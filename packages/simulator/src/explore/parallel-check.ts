import { CheckModel, type ModelState } from './check-model.ts';
import { eachRoot, enterRoot, finishRoot, planOptions, statesAlong, walkStarts, type CheckOptions, type CheckResult, type Choice, type Frontier, type Searched, type Visited } from './check.ts';
import { PathMonitor } from './path-monitor.ts';
import { searchPlan, type Answer, type PlanResult } from './search-plan.ts';
import { searchHash, type SearchHash } from './search-hash.ts';
import type { FromShard, ToShard } from './shard-link.ts';
import { VisitedSet } from './visited.ts';
import type { SearchRoot } from './warm-start.ts';

/** A shard held elsewhere (a worker thread) that runs `serveShard` on the same model and options. */
export interface ShardLink {
  post(m: ToShard): void;
  /** The shard's next message. */
  next(): Promise<FromShard>;
  /** The driver's side of the shard's `FlowControl`: one more chunk merged; the level decided (on) or a new one coming (off). */
  merged(): void;
  halt(on: boolean): void;
}

/**
 * `check` with its states split between shards held elsewhere: the same plan (search-plan.ts),
 * so the same states, counts and first violation as one thread, from each root of the
 * warm-up (see `eachRoot`) in turn. Each link's shard must have been made from the same
 * options (its model, its roots after the same warm-up). The walks from the frontier run
 * here, on states rebuilt from their paths. Given as a function, the links are made once
 * the options have been checked here (a bad option throws first). Directed search is best
 * first, not level by level, and is not split: it throws.
 */
export async function checkWithShards(options: CheckOptions, shards: readonly ShardLink[] | (() => Promise<readonly ShardLink[]>)): Promise<CheckResult> {
  if (options.directed === true) throw new RangeError('directed search runs on one thread (it goes best first; shards split a breadth-first level)');
  const model = new CheckModel(options);
  const hash = searchHash(model, options.symmetric);
  const visited: Visited = { seen: new VisitedSet(), explored: 0 };
  const roots = eachRoot(model, options);
  let links: readonly ShardLink[] | undefined;
  const linked = async (): Promise<readonly ShardLink[]> => {
    links ??= typeof shards === 'function' ? await shards() : shards;
    if (links.length === 0) throw new RangeError('checkWithShards needs at least one shard');
    return links;
  };
  for (let step = roots.next(), index = 0; ; index++) {
    if (step.done === true) return step.value;
    const root = step.value;
    const searched = enterRoot(model, root, hash, visited) ?? (await searchOnShards(model, options, root, index, hash, visited, await linked()));
    step = roots.next(searched);
  }
}

/** The breadth-first search from root `index` (`root`, counted and seen already), its shards held by `links`. */
async function searchOnShards(model: CheckModel, options: CheckOptions, root: SearchRoot, index: number, hash: SearchHash, visited: Visited, links: readonly ShardLink[]): Promise<Searched> {
  for (const link of links) link.post({ t: 'root', index });
  const plan = searchPlan(planOptions(options, hash, visited, links.length));
  const streaming = links.map(() => false);
  const expect = async <T extends FromShard['t']>(w: number, t: T): Promise<Extract<FromShard, { t: T }>> => {
    const m = await links[w]!.next();
    if (m.t !== t) throw new Error(`search shard ${w} sent '${m.t}' where '${t}' was due`);
    return m as Extract<FromShard, { t: T }>;
  };
  /** Stops every shard still expanding the level and reads what it sent until its last chunk. */
  const settle = async () => {
    const halted = links.filter((_l, w) => streaming[w]);
    for (const l of halted) l.halt(true);
    for (let w = 0; w < links.length; w++) {
      if (!streaming[w]) continue;
      for (let last = false; !last; links[w]!.merged()) last = (await expect(w, 'chunk')).last;
      streaming[w] = false;
    }
    for (const l of halted) l.halt(false);
  };
  let answer: Answer;
  let result: PlanResult;
  for (;;) {
    const step = plan.next(answer);
    if (step.done === true) {
      result = step.value;
      break;
    }
    const r = step.value;
    answer = undefined;
    if (r.t === 'level')
      links.forEach((link, w) => {
        const report = r.reporting.includes(w);
        streaming[w] = report;
        link.post({ t: 'level', stride: r.split ? links.length : 1, offset: r.split ? w : 0, report });
      });
    else if (r.t === 'report') {
      const chunk = await expect(r.shard, 'chunk');
      links[r.shard]!.merged();
      if (chunk.last) streaming[r.shard] = false;
      answer = chunk;
    } else if (r.t === 'failure') {
      await settle();
      links[r.shard]!.post({ t: 'failure', successor: r.successor });
      answer = await expect(r.shard, 'failure');
    } else if (r.t === 'sleeps') {
      await settle();
      links[r.shard]!.post({ t: 'sleeps', successors: r.successors });
      answer = (await expect(r.shard, 'sleeps')).keys;
    } else {
      await settle();
      links.forEach((link, w) => link.post({ t: 'accept', successors: r.accept?.[w] ?? null, merges: r.merges[w] ?? [] }));
    }
  }
  const frontier = result.violation === undefined ? await fetchFrontier(model, options, root.choices.length, result, links, expect) : emptyFrontier;
  return finishRoot(model, options, root, result, frontier, visited);
}

const emptyFrontier: Frontier = {
  size: 0,
  pathOf: () => [],
  stateOf: () => {
    throw new Error('empty frontier');
  },
  monitorOf: () => {
    throw new Error('empty frontier');
  },
};

/** The frontier places the walks start from, their paths fetched from the shards holding them and their states rebuilt along them. */
async function fetchFrontier(
  model: CheckModel,
  o: CheckOptions,
  warmSteps: number,
  p: PlanResult,
  links: readonly ShardLink[],
  expect: (w: number, t: 'paths') => Promise<{ paths: readonly (readonly Choice[])[] }>,
): Promise<Frontier> {
  const places = [...new Set(walkStarts(o, p.frontierSize))];
  const owners = p.frontier?.owners;
  const held = new Map<number, { shard: number; local: number }>();
  if (places.length > 0) {
    const locals = links.map(() => 0);
    const placeSet = new Set(places);
    for (let k = 0; k < p.frontierSize; k++) {
      const w = owners?.[k] ?? 0;
      if (placeSet.has(k)) held.set(k, { shard: w, local: locals[w]! });
      locals[w]!++;
    }
  }
  const paths = new Map<number, Choice[]>();
  for (let w = 0; w < links.length; w++) {
    const mine = places.filter((k) => held.get(k)!.shard === w);
    if (mine.length === 0) continue;
    links[w]!.post({ t: 'paths', places: mine.map((k) => held.get(k)!.local) });
    const got = await expect(w, 'paths');
    mine.forEach((k, j) => paths.set(k, [...got.paths[j]!]));
  }
  const along = new Map<number, ModelState[]>();
  const statesOf = (k: number): ModelState[] => {
    let states = along.get(k);
    if (states === undefined) along.set(k, (states = statesAlong(model, paths.get(k)!).states));
    return states;
  };
  return {
    size: p.frontierSize,
    pathOf: (k) => [...paths.get(k)!],
    stateOf: (k) => statesOf(k).at(-1)!,
    monitorOf: (k) => PathMonitor.along(model, statesOf(k).slice(warmSteps)),
  };
}
