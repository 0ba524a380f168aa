/**
 * Raft's safety properties (Figure 3 of the paper), checked after every event, and what
 * must hold once the faults have healed. The client history is checked for
 * linearizability by the simulator (the definition's `consistency`).
 */
import { always, converges, eventually, liveStates, type Property, type SystemView } from '@faultline/runtime';
import { atLeastAsUpToDate, baseIndex, entryAt, entryKey, lastIndex, lastTerm, majority, termAt } from './log.ts';
import type { Req, Res } from './messages.ts';
import { digestAt, firstDifference, holdsCommitted, keysOf, memoryOf, recordCommits } from './observer.ts';
import type { State } from './state.ts';

type View = SystemView<State, Req, Res>;

/** The up nodes that believe they lead, with their states. */
function leadersOf(view: View): { id: string; state: State }[] {
  return liveStates(view).filter((n) => n.state.role === 'leader');
}

export const electionSafety: Property<State, Req, Res> = always<State, Req, Res>(
  'election-safety',
  'at most one node is ever leader of a given term',
  (view) => {
    const m = memoryOf(view);
    for (const { id, state } of leadersOf(view)) {
      const seen = m.leaders.get(state.currentTerm);
      if (seen === undefined) m.leaders.set(state.currentTerm, id);
      else if (seen !== id) return `${id} and ${seen} have both been leader of term ${state.currentTerm}`;
    }
    return true;
  },
);

export const logMatching: Property<State, Req, Res> = always<State, Req, Res>(
  'log-matching',
  'if two logs hold an entry with the same index and term, they are identical up to that index',
  (view) => {
    const live = liveStates(view);
    for (let a = 0; a < live.length; a++) {
      for (let b = a + 1; b < live.length; b++) {
        const x = live[a]!;
        const y = live[b]!;
        // Terms never fall along a log, so the last index with equal terms is found walking
        // back, down to the later of the two snapshots (below it one of the logs is compacted).
        const floor = Math.max(baseIndex(x.state), baseIndex(y.state));
        let i = Math.min(lastIndex(x.state), lastIndex(y.state));
        if (i < floor) continue;
        while (i > floor && termAt(x.state, i) !== termAt(y.state, i)) i--;
        if (i > 0 && termAt(x.state, i) === termAt(y.state, i) && digestAt(x.state, i) !== digestAt(y.state, i)) {
          return `${x.id} and ${y.id} both hold an entry of term ${termAt(x.state, i)} at index ${i} but their logs differ before it: at ${x.id}, ${firstDifference(x.state, keysOf(y.state, i), i)} (as at ${y.id})`;
        }
      }
    }
    return true;
  },
);

export const leaderCompleteness: Property<State, Req, Res> = always<State, Req, Res>(
  'leader-completeness',
  'the leader of a term holds every entry committed in earlier terms',
  (view) => {
    const m = memoryOf(view);
    recordCommits(view, m);
    for (const n of leadersOf(view)) {
      const s = n.state;
      const key = `${n.id}@${s.currentTerm}`;
      // A leader never changes its own entries, so only commits recorded since the last check need a look.
      const from = m.leaderChecked.get(key) ?? 0;
      let upTo = 0;
      for (let i = m.committed.length; i > from; i--) {
        if (m.commitTerms[i - 1]! < s.currentTerm) {
          upTo = i;
          break;
        }
      }
      if (upTo > 0 && !holdsCommitted(s, upTo, m)) {
        return `${n.id}, leader of term ${s.currentTerm}, lacks an entry committed in an earlier term: ${firstDifference(s, m.committed, upTo)}`;
      }
      m.leaderChecked.set(key, Math.max(from, upTo));
    }
    return true;
  },
);

export const electionsKeepCommitted: Property<State, Req, Res> = always<State, Req, Res>(
  'elections-keep-committed',
  'a node lacking a committed entry could not win an election: its log is less up-to-date than the logs of a majority of the cluster ' +
    '(the invariant behind leader completeness, checked before any such election happens)',
  (view) => {
    const m = memoryOf(view);
    const problem = recordCommits(view, m);
    if (problem !== undefined) return problem;
    const k = m.committed.length;
    if (k === 0) return true;
    const live = liveStates(view);
    for (const c of live) {
      const log = c.state;
      if (holdsCommitted(log, k, m)) continue;
      const voters = live.filter((v) => atLeastAsUpToDate(lastTerm(log), lastIndex(log), lastTerm(v.state), lastIndex(v.state)));
      if (voters.length >= majority(c.state.cluster.length)) {
        return (
          `${c.id} lacks a committed entry (${firstDifference(log, m.committed, k)}) yet its log (last term ${lastTerm(log)}, length ${lastIndex(log)}) ` +
          `is at least as up-to-date as those of ${voters.map((v) => v.id).join(', ')}, a majority that would elect it`
        );
      }
    }
    return true;
  },
);

export const stateMachineSafety: Property<State, Req, Res> = always<State, Req, Res>(
  'state-machine-safety',
  'no two nodes apply different entries at the same index, and no node commits an entry other than the one committed there before',
  (view) => {
    const m = memoryOf(view);
    const problem = recordCommits(view, m);
    if (problem !== undefined) return problem;
    for (const n of liveStates(view)) {
      const s = n.state;
      // A node restored from an older checkpoint applies some entries again: look at them again.
      const from = Math.min(m.appliedChecked.get(n.id) ?? 0, s.lastApplied);
      for (let i = Math.max(from, baseIndex(s)); i < s.lastApplied && i < lastIndex(s); i++) {
        const key = entryKey(entryAt(s, i + 1)!);
        const first = m.applied[i];
        if (first === undefined) m.applied[i] = { key, node: n.id };
        else if (first.key !== key) return `${n.id} applied ${key} at index ${i + 1}, where ${first.node} applied ${first.key}`;
      }
      m.appliedChecked.set(n.id, s.lastApplied);
    }
    return true;
  },
);

export const leaderAfterHeal: Property<State, Req, Res> = eventually<State, Req, Res>(
  'leader-after-heal',
  'after healing, one up node leads the newest term, and every up node has committed the same prefix of the same log',
  (view: View) => {
    const live = liveStates(view);
    const leader = leadersOf(view)[0];
    if (leader === undefined) return `no leader among ${live.map((n) => `${n.id} (${n.state.role}, term ${n.state.currentTerm})`).join(', ')}`;
    const l = leader.state;
    for (const n of live) {
      const s = n.state;
      if (s.currentTerm !== l.currentTerm) return `${n.id} is in term ${s.currentTerm} but the leader ${leader.id} in term ${l.currentTerm}`;
      if (s.commitIndex !== l.commitIndex) return `${n.id} has committed ${s.commitIndex} entries but the leader ${leader.id} ${l.commitIndex}`;
      if (digestAt(s, s.commitIndex) !== digestAt(l, l.commitIndex)) {
        return `${n.id}'s committed entries differ from the leader's: ${firstDifference(s, keysOf(l, l.commitIndex), l.commitIndex)}`;
      }
    }
    return true;
  },
);

export const storesConverge: Property<State, Req, Res> = converges<State, Req, Res>(
  'stores-converge',
  'after healing, every up node has applied the same entries and holds the same store and sessions',
  (s) => ({ applied: s.lastApplied, kv: s.kv, sessions: s.sessions }),
);

export const properties: readonly Property<State, Req, Res>[] = [
  electionSafety,
  logMatching,
  leaderCompleteness,
  electionsKeepCommitted,
  stateMachineSafety,
  leaderAfterHeal,
  storesConverge,
];
