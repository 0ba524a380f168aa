import { resolveKenOptions, type KenOptions } from '@faultline/ken-checkpoint';
import type { NodeId } from '@faultline/runtime';
import { ConfigError } from './config-error.ts';

/**
 * A crash at one exact point of one node's checkpoint log, for exhaustive crash-point
 * testing: right after the node's `record`-th record is written (before the fsync that
 * would cover it completes, so it is lost), or right after that record is durable and
 * the outputs it held are released. The node restarts `downMs` later.
 */
export interface KenCrashPoint {
  readonly node: NodeId;
  readonly record: number;
  readonly when: 'written' | 'durable';
  readonly downMs: number;
}

/** How the simulator runs the Ken layer (`ken: true` takes every default). */
export interface KenSimConfig {
  /**
   * Group commit (default): turns go on while an fsync is in flight, and the next fsync
   * covers all of them; each turn's outputs still wait for its own record. With false,
   * a node takes no input while its fsync is in flight: one fsync per turn.
   */
  readonly groupCommit?: boolean;
  /** Simulated fsync latency, drawn uniformly per fsync (default 1 to 4 ms). */
  readonly fsyncMsMin?: number;
  readonly fsyncMsMax?: number;
  /** Ken's own options (snapshot interval, retransmission backoff, bounds). */
  readonly options?: Partial<Omit<KenOptions, 'observe'>>;
  readonly crashPoint?: KenCrashPoint;
}

export interface ResolvedKen {
  readonly groupCommit: boolean;
  readonly fsyncMsMin: number;
  readonly fsyncMsMax: number;
  readonly options: Partial<Omit<KenOptions, 'observe'>>;
  readonly crashPoint: KenCrashPoint | undefined;
}

const KEYS = new Set(['groupCommit', 'fsyncMsMin', 'fsyncMsMax', 'options', 'crashPoint']);

/** Checks and fills in a `ken` setting; undefined when Ken is off. Throws `ConfigError`. */
export function resolveKen(ken: boolean | KenSimConfig | undefined, nodeIds: readonly NodeId[]): ResolvedKen | undefined {
  if (ken === undefined || ken === false) return undefined;
  const c: KenSimConfig = ken === true ? {} : ken;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new ConfigError(`ken must be true, false or an object, not ${JSON.stringify(ken)}`);
  for (const k of Object.keys(c)) if (!KEYS.has(k)) throw new ConfigError(`ken: unknown setting '${k}' (known: ${[...KEYS].join(', ')})`);
  const groupCommit = c.groupCommit ?? true;
  if (typeof groupCommit !== 'boolean') throw new ConfigError('ken.groupCommit must be true or false');
  const fsyncMsMin = c.fsyncMsMin ?? 1;
  const fsyncMsMax = c.fsyncMsMax ?? Math.max(4, fsyncMsMin);
  if (!(fsyncMsMin >= 0) || !(fsyncMsMax >= fsyncMsMin) || !Number.isFinite(fsyncMsMax))
    throw new ConfigError(`ken: need 0 <= fsyncMsMin <= fsyncMsMax, got ${fsyncMsMin} and ${fsyncMsMax}`);
  const options = c.options ?? {};
  try {
    resolveKenOptions(options);
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  const p = c.crashPoint;
  if (p !== undefined) {
    if (!nodeIds.includes(p.node)) throw new ConfigError(`ken.crashPoint: unknown node ${JSON.stringify(p.node)}`);
    if (!Number.isInteger(p.record) || p.record < 1) throw new ConfigError('ken.crashPoint.record must be an integer >= 1');
    if (p.when !== 'written' && p.when !== 'durable') throw new ConfigError("ken.crashPoint.when must be 'written' or 'durable'");
    if (!(p.downMs >= 0)) throw new ConfigError('ken.crashPoint.downMs must be a number >= 0');
  }
  return { groupCommit, fsyncMsMin, fsyncMsMax, options, crashPoint: p };
}
