import { bank, primaryBackup } from '@faultline/protocols';
import { check } from '@faultline/simulator';
import { chainReconfig } from '../packages/simulator/test/explore/fixtures/chain-reconfig.ts';
import { leaseFailover } from '../packages/simulator/test/explore/fixtures/lease-failover.ts';
import { twoPhase } from '../packages/simulator/test/explore/fixtures/two-phase.ts';
// The compiled CLI, as installed: its workers start from compiled JavaScript (npm run bench builds first), not through tsx.
import { checkOnWorkers } from '../packages/cli/dist/commands/check-workers.js';
import { medianOf, ratePerCpuSec, ratePerSec } from './measure.ts';

/**
 * `faultline check`'s bounded exhaustive search: states visited (expanded or found again
 * by their hash) per wall second, on the bank (3 requests, depth 12: every state within
 * it, 50,137 visits, about half a second) and on primary-backup (6 nodes, 2 requests,
 * stopped at 20,000 unique states, where a state is six replicas' stores, views and
 * timers). No walks. Each search is long enough to measure the search, not the JIT's
 * warm-up: the bank's earlier run (2 requests, depth 11, 1,176 visits in about 20 ms)
 * gave 57,000 to 130,000 states/s between runs of the same code, against 100,000 to
 * 120,000 once warm. The same two per CPU second of the process too
 * (`statesPerCpuSec`), which the load of a shared machine moves less than the wall rate.
 * Then the lease-failover fixture, whose long-lease bug needs 7 timer ticks: the states
 * the timed model visits to find it, and whether the untimed model raises a false alarm
 * on the correct version (1: it does). Last, `check.workers2.speedup`: wall time of
 * primary-backup's whole depth 3 on one thread over the same on 2 worker threads
 * (`--workers 2`, the installed CLI's compiled workers, their start-up included),
 * measured one after the other in this run; the two results must be equal. Beside it,
 * the process CPU of the two runs (every thread's) and the cores one thread keeps busy.
 */
export async function checkFigures(): Promise<Record<string, number>> {
  return { ...singleThread(), ...(await workersSpeedup()) };
}

/** primary-backup's whole depth 3 (about 77,000 unique states, sleep sets on as by default): long enough that the workers' start-up weighs little. */
const WORKERS_RUN = { depth: 3, maxStates: 1_000_000, walks: 0 };

async function workersSpeedup(): Promise<Record<string, number>> {
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const [t0, c0] = [performance.now(), cpu()];
  const one = check({ protocol: primaryBackup, ...WORKERS_RUN });
  const [t1, c1] = [performance.now(), cpu()];
  const two = await checkOnWorkers({ protocolArg: primaryBackup.name, cwd: process.cwd(), options: WORKERS_RUN }, { protocol: primaryBackup, ...WORKERS_RUN }, 2);
  const [t2, c2] = [performance.now(), cpu()];
  if (JSON.stringify(two) !== JSON.stringify(one)) throw new Error('check bench: 2 workers and 1 thread disagree');
  return {
    // Wall time of one thread over 2 worker threads (their start-up included) on the same search.
    'check.workers2.speedup': (t1 - t0) / (t2 - t1),
    // The whole process's CPU time (every thread: V8's GC helpers too) for 2 workers over one thread's.
    'check.workers2.cpuOverOne': (c2 - c1) / (c1 - c0),
    // One thread's process CPU over its wall time: the cores the one-thread search already keeps busy (its GC helpers run beside it).
    'check.workers1.coresBusy': (c1 - c0) / 1000 / (t1 - t0),
  };
}

function singleThread(): Record<string, number> {
  const rate = (run: () => { statesExplored: number }) => medianOf(3, () => ratePerSec(() => run().statesExplored));
  const bankRun = () => check({ protocol: bank, requests: 3, depth: 12, walks: 0, sleepSets: false });
  const pbRun = () => check({ protocol: primaryBackup, depth: 4, maxStates: 20_000, walks: 0, sleepSets: false });
  const bankRate = rate(bankRun);
  const pbRate = rate(pbRun);
  // The same searches per CPU second of the process (its GC helper threads included), several per sample: on a shared machine the wall rate measures the load.
  const perCpu = (times: number, run: () => { statesExplored: number }) =>
    medianOf(3, () => ratePerCpuSec(() => Array.from({ length: times }, () => run().statesExplored).reduce((a, b) => a + b, 0)));
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
    'check.statesPerCpuSec': perCpu(1, bankRun),
    'check.primaryBackup.statesPerCpuSec': perCpu(1, pbRun),
    'check.lease.timed.statesToBug': timedBug.violation !== undefined ? timedBug.statesExplored : NaN,
    'check.lease.untimed.falseAlarm': untimedCorrect.ok ? 0 : 1,
  };
}
