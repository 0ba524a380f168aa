import type { Budget } from './search.ts';

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
