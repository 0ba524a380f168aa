import { bank, primaryBackup } from '@faultline/protocols';
import { check } from '@faultline/simulator';
import { medianOf, ratePerSec } from './measure.ts';

/**
 * `faultline check`'s bounded exhaustive search: states visited (expanded or found again
 * by their hash) per wall second, on the bank (2 requests, depth 11: every state within
 * it, about 1,200 visits) and on primary-backup (6 nodes, 2 requests, stopped at 3,000
 * unique states, where a state is six replicas' stores, views and timers). No walks.
 */
export async function checkFigures(): Promise<Record<string, number>> {
  const rate = (run: () => { statesExplored: number }) => medianOf(3, () => ratePerSec(() => run().statesExplored));
  const bankRate = rate(() => check({ protocol: bank, depth: 11, walks: 0 }));
  const pbRate = rate(() => check({ protocol: primaryBackup, depth: 4, maxStates: 3_000, walks: 0 }));
  return { 'check.statesPerSec': bankRate, 'check.primaryBackup.statesPerSec': pbRate };
}
