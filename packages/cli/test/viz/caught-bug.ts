import { primaryBackup } from '@faultline/protocols';
import { simulate, type SimResult } from '@faultline/simulator';

/** The bug the diagram tests look at: primary-backup acknowledging a put before replicating it. */
export const BUG = 'reply-before-replicate';
/** Seeds tried in order: 12 first (it fails early, at event 376, when this was written), then a scan. */
const SEEDS = [12, ...Array.from({ length: 40 }, (_v, k) => k + 1)];

/**
 * A full-trace run of primary-backup with the bug that violates a property: the first
 * failing seed of SEEDS. Throws if none fails, so a test built on it cannot pass vacuously.
 */
export function caughtBugRun(): SimResult {
  for (const seed of SEEDS) {
    const r = simulate({ protocol: primaryBackup, seed, bug: BUG, trace: 'full' });
    if (r.violation !== undefined) return r;
  }
  throw new Error(`primary-backup --bug ${BUG} violated nothing on seeds ${SEEDS[0]}, 1..40`);
}
