import { describe, expect, it } from 'vitest';
import { bucketWidth, countBuckets } from '../../../src/viz/plots/buckets.ts';
import { quantile, slidingQuantiles } from '../../../src/viz/plots/quantiles.ts';
import { linearScale, logScale, niceTicks } from '../../../src/viz/plots/scale.ts';

describe('scales, ticks, buckets and quantiles', () => {
  it('ticks are round values inside the domain', () => {
    expect(niceTicks(0, 1559.667, 8)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400]);
    expect(niceTicks(0, 35_000, 8)).toEqual([0, 5000, 10000, 15000, 20000, 25000, 30000, 35000]);
    expect(niceTicks(3, 3, 5)).toEqual([3]);
  });

  it('a linear scale maps its domain onto its range (a y axis upside down too)', () => {
    const y = linearScale(0, 50, 200, 0);
    expect([y(0), y(25), y(50)]).toEqual([200, 100, 0]);
  });

  it('a log scale puts each decade the same distance apart, with ticks at powers of ten', () => {
    const y = logScale(1, 10_000, 400, 0);
    expect(y(1) - y(10)).toBeCloseTo(y(100) - y(1000));
    expect(y.ticks()).toEqual([1, 10, 100, 1000, 10000]);
    expect(logScale(1, 100, 0, 1).ticks()).toEqual([1, 2, 5, 10, 20, 50, 100]);
  });

  it('buckets have a round width and count each time once (the end in the last bucket)', () => {
    expect([bucketWidth(1500, 30), bucketWidth(1559.667, 30)]).toEqual([50, 100]);
    expect(countBuckets([0, 49.9, 50, 120, 120], 120, 50)).toEqual([2, 1, 2]);
  });

  it('nearest-rank quantiles, over sliding windows that break where there is nothing', () => {
    const v = Array.from({ length: 100 }, (_x, k) => k + 1);
    expect([quantile(v, 0.5), quantile(v, 0.95), quantile(v, 0.99), quantile(v, 1)]).toEqual([50, 95, 99, 100]);
    expect(quantile([], 0.5)).toBeUndefined();
    const samples = [{ t: 0, v: 10 }, { t: 1, v: 30 }, { t: 9, v: 500 }, { t: 10, v: 700 }];
    const s = slidingQuantiles(samples, [0.5, 1], 10, 4, 3);
    expect(s.map((p) => [p.t, ...p.values])).toEqual([
      [0, 10, 30],
      [5, undefined, undefined],
      [10, 500, 700],
    ]);
  });
});
