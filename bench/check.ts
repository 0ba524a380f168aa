import { bank, primaryBackup } from '@faultline/protocols';
import { check } from '@faultline/simulator';
import { chainReconfig } from '../packages/simulator/test/explore/fixtures/chain-reconfig.ts';
import { leaseFailover } from '../packages/simulator/test/explore/fixtures/lease-failover.ts';
import { twoPhase } from '../packages/simulator/test/explore/fixtures/two-phase.ts';
import { medianOf, ratePerSec } from './measure.ts';

/**
 * `faultline check`'s bounded exhaustive search: states visited (expanded or found again
 * by their hash) per wall second, on the bank (2 requests, depth 11: every state within
 * it, about 1,200 visits) and on primary-backup (6 nodes, 2 requests, stopped at 3,000
 * unique states, where a state is six replicas' stores, views and timers). No walks.
 * Then the lease-failover fixture, whose long-lease bug needs 7 timer ticks: the states
 * the timed model visits to find it, and whether the untimed model raises a false alarm
 * on the correct version (1: it does).
 */
export async function checkFigures(): Promise<Record<string, number>> {
  const rate = (run: () => { statesExplored: number }) => medianOf(3, () => ratePerSec(() => run().statesExplored));
  const bankRate = rate(() => check({ protocol: bank, depth: 11, walks: 0, sleepSets: false }));
  const pbRate = rate(() => check({ protocol: primaryBackup, depth: 4, maxStates: 3_000, walks: 0, sleepSets: false }));
  const timedBug = check({ protocol: leaseFailover, bug: 'long-lease', depth: 16, walks: 0, timed: true });
  const untimedCorrect = check({ protocol: leaseFailover, depth: 16, walks: 0 });
  const chain = (sleepSets: boolean) => check({ protocol: chainReconfig, bug: 'no-resend-on-reconfig', depth: 30, walks: 0, sleepSets });
  const [chainOff, chainOn] = [chain(false), chain(true)];
  const twoPhaseStates = (symmetric?: string[][]) => check({ protocol: twoPhase, depth: 20, walks: 0, ...(symmetric ? { symmetric } : {}) }).statesUnique;
  return {
    // Reductions: steps taken to find chain-reconfig's bug (7 timer ticks) without and with sleep sets (the same states either way);
    // two-phase commit's whole space without and with symmetry over its three participants.
    'check.chain.stepsToBug.noReduction': chainOff.violation !== undefined ? chainOff.statesExplored : NaN,
    'check.chain.stepsToBug.sleepSets': chainOn.violation !== undefined ? chainOn.statesExplored : NaN,
    'check.chain.statesToBug': chainOn.statesUnique,
    'check.twoPhase.states.noSymmetry': twoPhaseStates(),
    'check.twoPhase.states.symmetry': twoPhaseStates([['n2', 'n3', 'n4']]),
    'check.statesPerSec': bankRate,
    'check.primaryBackup.statesPerSec': pbRate,
    'check.lease.timed.statesToBug': timedBug.violation !== undefined ? timedBug.statesExplored : NaN,
    'check.lease.untimed.falseAlarm': untimedCorrect.ok ? 0 : 1,
  };
}
