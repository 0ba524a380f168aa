import type { Budget, SearchOutcome } from './search.ts';

/**
 * A smallest subset of `items` for which `holds` is still true, found greedily: first by
 * dropping chunks (halves, quarters, ... as in delta debugging, which throws away most of
 * a long history in a few checks), then single items, repeated until no single item can
 * go. The result is 1-minimal: without any one of its items, `holds` is false. A check
 * that runs out of budget should answer false (the item is kept); when `budget` itself
 * runs out, shrinking stops with what it has (`minimal: false`).
 */
export function shrinkWhile<T>(
  items: readonly T[],
  holds: (subset: readonly T[]) => boolean,
  budget: Budget,
): { items: T[]; minimal: boolean } {
  let kept = items.slice();
  let cut = false;
  const exhausted = () => (cut ||= budget.steps >= budget.maxSteps);
  const without = (from: number, count: number) => kept.slice(0, from).concat(kept.slice(from + count));
  for (let size = Math.floor(kept.length / 2); size > 1; size = Math.floor(size / 2)) {
    for (let i = 0; i < kept.length && !exhausted(); ) {
      const candidate = without(i, size);
      if (holds(candidate)) kept = candidate;
      else i += size;
    }
  }
  for (let changed = true; changed && !exhausted(); ) {
    changed = false;
    for (let i = 0; i < kept.length && !exhausted(); ) {
      const candidate = without(i, 1);
      if (holds(candidate)) {
        kept = candidate;
        changed = true;
      } else i++;
    }
  }
  return { items: kept, minimal: !cut };
}

/**
 * No candidate check may take more than this fraction (1/CHECK_SHARE) of shrinking's
 * budget. A candidate that sets many operations aside makes the search branch on each of
 * them (taken effect or not): on a set or list-append history of 40 operations, the first
 * candidate (half of them set aside) alone took all 2M steps, so shrinking tried nothing
 * else and reported the whole history after 4 s. Capped, such a candidate answers
 * 'budget' (its operations are kept) and the smaller candidates after it get their turn.
 */
const CHECK_SHARE = 16;

export interface ShrunkViolation<T> {
  readonly core: T[];
  readonly context: T[];
  readonly minimal: boolean;
}

/**
 * Shrinks a set of operations that `search` finds in violation, in two steps. The core: a
 * 1-minimal set of operations that is still a violation even though every other
 * operation may (or may not) have taken effect, so that an operation is dropped only
 * when it is not part of the conflict (dropping operations outright would shrink a stale
 * read to a lone read of a value that nobody wrote). The context: a minimal set of those
 * other operations, as "may have taken effect", without which the core would no longer be
 * 1-minimal: typically the writes of the values the core's reads returned.
 *
 * `search(sub, possible, budget)` checks the operations `sub` (in their original order),
 * of which those in `possible` may or may not have taken effect (their results ignored).
 */
export function shrinkViolation<T>(
  ops: readonly T[],
  search: (sub: readonly T[], possible: ReadonlySet<T>, budget: Budget) => SearchOutcome,
  maxStepsPerCheck: number,
  maxShrinkSteps: number,
): ShrunkViolation<T> {
  const total: Budget = { maxSteps: maxShrinkSteps, steps: 0 };
  const check = (indices: readonly number[], possible: ReadonlySet<number>) => {
    const budget: Budget = { maxSteps: Math.min(maxStepsPerCheck, Math.ceil(total.maxSteps / CHECK_SHARE), total.maxSteps - total.steps), steps: 0 };
    const outcome = search(
      indices.map((i) => ops[i]!),
      new Set([...possible].map((i) => ops[i]!)),
      budget,
    );
    total.steps += budget.steps;
    return outcome;
  };
  const all = ops.map((_, i) => i);
  const rest = (keep: readonly number[]) => {
    const kept = new Set(keep);
    return all.filter((i) => !kept.has(i));
  };
  // Both stages read "without a core operation" the same way: its result is set aside, so
  // it may or may not have taken effect, like the context; operations outside the
  // explanation are deleted.
  const core = shrinkWhile(all, (subset) => check(all, new Set(rest(subset))) === 'violation', total);
  const others = rest(core.items);
  const claimHolds = (subset: readonly number[]) =>
    core.items.every((dropped) => check([...core.items, ...subset].sort((a, b) => a - b), new Set([...subset, dropped])) === 'ok');
  // The claim must be shown by the search; a check cut short by its budget shows nothing,
  // so the context is then left empty rather than whole, and the explanation is not called
  // minimal.
  const proven = claimHolds(others);
  const context = proven ? shrinkWhile(others, claimHolds, total) : { items: [], minimal: false };
  return {
    core: core.items.map((i) => ops[i]!),
    context: context.items.map((i) => ops[i]!),
    minimal: core.minimal && context.minimal && proven,
  };
}
