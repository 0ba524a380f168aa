import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from '../../src/net/backoff.ts';

describe('reconnect backoff', () => {
  it('stays between half the ceiling and the ceiling, which doubles from min up to max', () => {
    const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    const range = [fc.nat(100), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 100_000 }), random] as const;
    fc.assert(
      fc.property(...range, (failures, minMs, extraMs, r) => {
        const maxMs = minMs + extraMs;
        const ceiling = Math.min(maxMs, minMs * 2 ** failures);
        const d = reconnectDelayMs(failures, minMs, maxMs, r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(d).toBeLessThanOrEqual(maxMs);
      }),
    );
  });

  it('grows with failures until the cap', () => {
    const at = (failures: number) => reconnectDelayMs(failures, 50, 2000, 1 - Number.EPSILON);
    expect([0, 1, 2, 3, 4, 5, 6, 60].map(at)).toEqual([50, 100, 200, 400, 800, 1600, 2000, 2000]);
  });
});
