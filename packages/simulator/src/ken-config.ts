import { resolveKenOptions, type KenOptions } from '@faultline/ken-checkpoint';
import type { NodeId } from '@faultline/runtime';
import { ConfigError } from './config-error.ts';

/**
 * A crash at one exact point of one node's checkpoint log, for exhaustive crash-point
 * testing: right after the node's `record`-th record is `written` (before the fsync that
 * would cover it completes, so it is lost); right after the fsync that makes it durable
 * but before the outputs it held are released (`synced`: recovery must release them);
 * or right after they are released (`durable`). The node restarts `downMs` later.
 */
export interface KenCrashPoint {
  readonly node: NodeId;
  readonly record: number;
  readonly when: 'written' | 'synced' | 'durable';
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
  /**
   * A disk that acknowledges fsyncs it has not done: every crash also loses the last
   * durable record. Ken does not tolerate this; it is here to show what that looks like.
   */
  readonly dishonestFsync?: boolean;
}

export interface ResolvedKen {
  readonly groupCommit: boolean;
  readonly fsyncMsMin: number;
  readonly fsyncMsMax: number;
  /** Ken's options with every default filled in. */
  readonly options: Omit<KenOptions, 'observe'>;
  readonly crashPoint: KenCrashPoint | undefined;
  readonly dishonestFsync: boolean;
}

const KEYS = new Set(['groupCommit', 'fsyncMsMin', 'fsyncMsMax', 'options', 'crashPoint', 'dishonestFsync']);

/**
 * How long after faults end (and both ends of a link are up) a released message may
 * take to arrive: twice the retransmission cap, plus half a second of latency, fsyncs
 * and recoveries. With Ken on, the quiet period is at least this plus half a second, so
 * the transparency checker can tell a lost message from a late one.
 */
export function kenSettleMs(ken: ResolvedKen): number {
  return 2 * ken.options.retransmitMsMax + 500;
}

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
  let options: Omit<KenOptions, 'observe'>;
  try {
    const { observe: _observe, ...resolved } = resolveKenOptions(c.options ?? {});
    options = resolved;
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  const p = c.crashPoint;
  if (p !== undefined) {
    if (!nodeIds.includes(p.node)) throw new ConfigError(`ken.crashPoint: unknown node ${JSON.stringify(p.node)}`);
    if (!Number.isInteger(p.record) || p.record < 1) throw new ConfigError('ken.crashPoint.record must be an integer >= 1');
    if (p.when !== 'written' && p.when !== 'synced' && p.when !== 'durable')
      throw new ConfigError("ken.crashPoint.when must be 'written', 'synced' or 'durable'");
    if (!(p.downMs >= 0)) throw new ConfigError('ken.crashPoint.downMs must be a number >= 0');
  }
  const dishonestFsync = c.dishonestFsync ?? false;
  if (typeof dishonestFsync !== 'boolean') throw new ConfigError('ken.dishonestFsync must be true or false');
  return { groupCommit, fsyncMsMin, fsyncMsMax, options, crashPoint: p, dishonestFsync };
}
