import { checkCausal, checkSequential, kvModel, randomKvHistory } from '@faultline/simulator';
import { medianOf, ratePerSec } from './measure.ts';

const OPERATIONS = 10_000;

/**
 * Sequential and causal consistency checking of a 10,000-operation key-value history
 * (8 overlapping clients, 5 keys, half reads, 1% timeouts, unique values; made from a
 * seed by a simulated linearizable store): operations checked per wall second. The
 * history is linearizable, so the sequential check is decided by its first step (the
 * per-key linearizability search); its own program-order search is exponential and is
 * only fast on histories of a few hundred operations.
 */
export async function consistencyFigures(): Promise<Record<string, number>> {
  const history = randomKvHistory({ seed: 'bench', operations: OPERATIONS, clients: 8, keys: 5 });
  const rate = (check: () => string) =>
    medianOf(3, () =>
      ratePerSec(() => {
        const outcome = check();
        if (outcome !== 'ok') throw new Error(`the bench history should pass, got ${outcome}`);
        return history.length;
      }),
    );
  return {
    'seq.opsPerSec': rate(() => checkSequential(history, kvModel).outcome),
    'causal.opsPerSec': rate(() => checkCausal(history).outcome),
  };
}
