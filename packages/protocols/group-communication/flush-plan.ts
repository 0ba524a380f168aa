import type { AppMsg, FlushReport, OldViewPlan, Ordered } from './messages.ts';

/**
 * What the members of a new view that come from one old view deliver of it before they
 * install the new one. They pool the old view's ordered messages that they hold; each
 * has delivered a gapless prefix of the old view's order, so the pool covers everything
 * above the least delivered position up to its first gap, and every one of them delivers
 * up to that gap: the same set, in the same order. (No one has delivered past the gap: a
 * member that had delivered gseq g held it, or g was stable and then every member held it.)
 * Then their own messages that none of them saw ordered up to the gap are appended, by
 * sender and number, so a sender that stays up always delivers its own messages.
 */
export function planOldView(view: string, reports: readonly FlushReport[]): OldViewPlan {
  let minDelivered = Infinity;
  const pool = new Map<number, Ordered>();
  for (const r of reports) {
    minDelivered = Math.min(minDelivered, r.delivered);
    for (const item of r.held) if (!pool.has(item.gseq)) pool.set(item.gseq, item);
  }
  let upTo = minDelivered;
  while (pool.has(upTo + 1)) upTo++;
  const ordered: Ordered[] = [];
  const orderedIds = new Set<string>();
  for (let g = minDelivered + 1; g <= upTo; g++) {
    const item = pool.get(g)!;
    ordered.push(item);
    orderedIds.add(item.msg.id);
  }
  const appended = new Map<string, AppMsg>();
  for (const r of reports) for (const m of r.unordered) if (!orderedIds.has(m.id)) appended.set(m.id, m);
  return {
    view,
    trans: reports.map((r) => r.member.node).sort(),
    upTo,
    ordered,
    appended: [...appended.values()].sort((a, b) => (a.sender < b.sender ? -1 : a.sender > b.sender ? 1 : a.n - b.n)),
  };
}

/** One plan per old view the reports come from, in view-key order. */
export function planInstall(reports: readonly FlushReport[]): OldViewPlan[] {
  const byView = new Map<string, FlushReport[]>();
  for (const r of reports) {
    const list = byView.get(r.view);
    if (list === undefined) byView.set(r.view, [r]);
    else list.push(r);
  }
  return [...byView.keys()].sort().map((v) => planOldView(v, byView.get(v)!));
}
