import { UsageError } from './errors.ts';

/** `--shard i/n`: the i-th (1-based) of n contiguous slices of a campaign's seed range. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n`, with 1 <= i <= n. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 1 || index > count)
    throw new UsageError(`faultline test: --shard must be i/n with 1 <= i <= n (e.g. 2/4), not '${text}'`);
  return { index, count };
}

/**
 * The seeds of one shard of the range [firstSeed, firstSeed + seeds): slices as equal as
 * integers allow, in order, tiling the range without overlap.
 */
export function shardRange(shard: Shard, firstSeed: number, seeds: number): { readonly firstSeed: number; readonly seeds: number } {
  const start = Math.floor(((shard.index - 1) * seeds) / shard.count);
  const end = Math.floor((shard.index * seeds) / shard.count);
  return { firstSeed: firstSeed + start, seeds: end - start };
}
