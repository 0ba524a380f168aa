import type { FaultEvent } from './fault-plan.ts';

/**
 * A plan cut into the units a shrinker removes whole: a crash with the node's next
 * restart, a pause with its next resume, a partition or one-way cut with the next heal,
 * and anything else (a skew, an end without a start) alone. Each unit lists indices into
 * the plan, which must be sorted by time (as `SimResult.plan` is).
 */
export function faultUnits(plan: readonly FaultEvent[]): number[][] {
  const units: number[][] = [];
  const taken = new Set<number>();
  plan.forEach((e, i) => {
    if (taken.has(i)) return;
    taken.add(i);
    const end = endOf(plan, i, taken);
    if (end !== undefined) taken.add(end);
    units.push(end === undefined ? [i] : [i, end]);
  });
  return units;
}

function endOf(plan: readonly FaultEvent[], i: number, taken: ReadonlySet<number>): number | undefined {
  const e = plan[i]!;
  const ends = (f: FaultEvent): boolean => {
    switch (e.kind) {
      case 'crash':
        return f.kind === 'restart' && f.node === e.node;
      case 'pause':
        return f.kind === 'resume' && f.node === e.node;
      case 'partition':
      case 'oneway':
        return f.kind === 'heal';
      default:
        return false;
    }
  };
  for (let j = i + 1; j < plan.length; j++) if (!taken.has(j) && ends(plan[j]!)) return j;
  return undefined;
}
