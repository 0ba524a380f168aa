import { checkLinearizability, kvModel, randomCasHistory, randomKvHistory } from '@faultline/simulator';
import { medianOf, ratePerCpuSec, ratePerSec } from './measure.ts';

const OPERATIONS = 10_000;
/** Porcupine's published figure on a 1.18M-step Jepsen etcd search: 0.17 s CPU, about 7M steps/s (issue 14; not measured here). */
const PORCUPINE_STEPS_PER_SEC = 7_000_000;

/**
 * Linearizability checking of a 10,000-operation key-value history (8 overlapping
 * clients, 5 keys, half reads, 1% timeouts; made from a seed by a simulated linearizable
 * store): operations checked per wall second. And a heavy etcd-like CAS-register history
 * (1,500 ops, 16 clients, 10% open ops, one key: about 0.9M search steps): search steps
 * per CPU second (Porcupine's figure is CPU time, so this is what compares with it, and
 * it is less disturbed by other jobs than wall time), the ratio to Porcupine's published
 * rate, and the heap in use right after
 * the search, typed arrays included (before any forced collection, so an upper bound on
 * what it kept alive).
 */
export function linFigures(): Record<string, number> {
  const history = randomKvHistory({ seed: 'bench', operations: OPERATIONS, clients: 8, keys: 5 });
  const opsPerSec = medianOf(3, () =>
    ratePerSec(() => {
      const r = checkLinearizability(history, kvModel);
      if (r.outcome !== 'ok') throw new Error(`the bench history should be linearizable, got ${r.outcome}`);
      return history.length;
    }),
  );
  const cas = randomCasHistory({ seed: 'heavy-2', operations: 1_500, clients: 16, openRatio: 0.1, latencyMsMax: 20 });
  let steps = 0;
  let heapMB = 0;
  const stepsPerSec = medianOf(3, () =>
    ratePerCpuSec(() => {
      const before = inUse();
      const r = checkLinearizability(cas, kvModel, { maxSteps: 5_000_000 });
      heapMB = Math.max(heapMB, (inUse() - before) / 2 ** 20);
      if (r.outcome !== 'ok') throw new Error(`the heavy CAS history should be linearizable, got ${r.outcome}`);
      steps = r.steps;
      return r.steps;
    }),
  );
  return {
    'lin.opsPerSec': opsPerSec,
    'lin.cas.steps': steps,
    'lin.cas.stepsPerSec': stepsPerSec,
    'lin.cas.porcupineOverUs': PORCUPINE_STEPS_PER_SEC / stepsPerSec,
    'lin.cas.heapGrowthMB': heapMB,
  };
}

/** Bytes in use by the JS heap and by array buffers (where typed arrays keep their data). */
function inUse(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
