import { primaryBackup } from '@faultline/protocols';
import { campaign } from '@faultline/simulator';
// The compiled CLI, as installed: its workers start from compiled JavaScript (npm run bench builds first).
import { workerCampaign } from '../packages/cli/dist/worker-campaign.js';

/**
 * Seeds of primary-backup (about 80 ms each on one core): a campaign long enough that
 * starting the two workers (about 0.25 s of CPU each)
 * weighs as little in it as in a real one of 1,000 seeds. The workers are the installed
 * CLI's, started from compiled JavaScript.
 */
const SEEDS = 160;

/**
 * A campaign of built-in primary-backup seeds with its default faults, on one thread (as
 * `faultline test --workers 1` runs it) and on two worker threads (`--workers 2`,
 * starting the workers included): seeds per wall second, and the ratio. The two must
 * agree on every figure of the result, or the measurement is void.
 */
export async function campaignFigures(): Promise<Record<string, number>> {
  const t0 = performance.now();
  const one = campaign({ protocol: primaryBackup, seeds: SEEDS });
  const t1 = performance.now();
  const run = { protocolArg: 'primary-backup', cwd: process.cwd(), flags: {}, failFast: false };
  const two = await workerCampaign({ run, firstSeed: 1, seeds: SEEDS, workers: 2 });
  const t2 = performance.now();
  if (JSON.stringify(two) !== JSON.stringify(one)) throw new Error('campaign bench: 2 workers and 1 thread disagree');
  const workers1 = (SEEDS * 1000) / (t1 - t0);
  const workers2 = (SEEDS * 1000) / (t2 - t1);
  return { 'campaign.workers1.seedsPerSec': workers1, 'campaign.workers2.seedsPerSec': workers2, 'campaign.workers2.speedup': workers2 / workers1 };
}
