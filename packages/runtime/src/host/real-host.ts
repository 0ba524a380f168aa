import { randomFillSync } from 'node:crypto';
import type { TurnHost } from '../turn.ts';

const POOL_BYTES = 6 * 1024;

/**
 * The real clock (wall time, so that Ken's timer deadlines survive a restart) and real
 * randomness (node:crypto, drawn 48 bits at a time from a refilled pool).
 */
export function realTurnHost(unackedTo: (peer: string) => number): TurnHost {
  const pool = new Uint8Array(POOL_BYTES);
  let at = POOL_BYTES;
  return {
    now: () => Date.now(), // det-ok: the real runtime's clock
    random: () => {
      if (at + 6 > POOL_BYTES) {
        randomFillSync(pool); // det-ok: the real runtime's randomness
        at = 0;
      }
      let v = 0;
      for (let i = 0; i < 6; i++) v = v * 256 + pool[at++]!;
      return v / 2 ** 48;
    },
    unackedTo,
  };
}
