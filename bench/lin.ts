import { checkLinearizability, kvModel, randomKvHistory } from '@faultline/simulator';
import { medianOf, ratePerSec } from './measure.ts';

const OPERATIONS = 10_000;

/**
 * Linearizability checking of a 10,000-operation key-value history (8 overlapping
 * clients, 5 keys, half reads, 1% timeouts; made from a seed by a simulated linearizable
 * store): operations checked per wall second.
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
  return { 'lin.opsPerSec': opsPerSec };
}
