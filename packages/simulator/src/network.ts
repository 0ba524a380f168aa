import type { NodeId } from '@faultline/runtime';
import type { Rng } from './rng.ts';

/** How the simulated network treats every message. */
export interface NetworkConfig {
  /** Latency bounds in ms; samples fall in [min, max]. */
  readonly latencyMsMin: number;
  readonly latencyMsMax: number;
  /** `uniform` over the bounds, or `exponential` (a long tail) above the minimum, capped at the maximum. */
  readonly distribution: 'uniform' | 'exponential';
  /** Mean of the exponential part above the minimum. */
  readonly latencyMsMean: number;
  readonly dropRate: number;
  readonly duplicateRate: number;
  /** When false, each directed link is FIFO. */
  readonly reorder: boolean;
}

export const DEFAULT_NETWORK: NetworkConfig = {
  latencyMsMin: 1,
  latencyMsMax: 5,
  distribution: 'uniform',
  latencyMsMean: 2,
  dropRate: 0,
  duplicateRate: 0,
  reorder: false,
};

/** What happens to one message handed to the network. */
export type Fate =
  | { readonly kind: 'drop'; readonly reason: 'loss' | 'partition' }
  | { readonly kind: 'deliver'; readonly atMs: number; readonly duplicateAtMs: number | undefined };

const LOST: Fate = Object.freeze({ kind: 'drop', reason: 'loss' });
const CUT: Fate = Object.freeze({ kind: 'drop', reason: 'partition' });

/** One directed link: its random stream, and (FIFO links) the latest delivery time given out on it. */
interface Link {
  readonly rng: Rng;
  lastDeliveryMs: number;
}

/**
 * The network: latency, loss, duplication, ordering, and which directed links are cut.
 * It decides a message's fate when it is sent; the simulator schedules the deliveries.
 */
export class Network {
  /** Directed links cut by partitions, as `from>to`. */
  private readonly cut = new Set<string>();
  /**
   * Each directed link's state, by sender then receiver: looked up on every send, so
   * without building the `from>to` string (a new string to hash each time).
   */
  private readonly links = new Map<NodeId, Map<NodeId, Link>>();
  /** The one delivery `fate` fills in and returns (it was one of the five objects ping-pong allocated per event). */
  private readonly delivery: { kind: 'deliver'; atMs: number; duplicateAtMs: number | undefined } = { kind: 'deliver', atMs: 0, duplicateAtMs: undefined };

  /** `rngFor(link)` gives the random stream of the directed link `from>to` (streams may be shared). */
  constructor(
    public config: NetworkConfig,
    private readonly rngFor: (link: string) => Rng,
  ) {}

  /** Cuts every link between different groups (both directions). Nodes in no group form one more group. */
  partition(groups: readonly (readonly NodeId[])[], all: readonly NodeId[]): void {
    const groupOf = new Map<NodeId, number>();
    groups.forEach((g, i) => g.forEach((n) => groupOf.set(n, i)));
    for (const a of all)
      for (const b of all)
        if (a !== b && (groupOf.get(a) ?? -1) !== (groupOf.get(b) ?? -1)) this.cut.add(`${a}>${b}`);
  }

  /** Cuts the links from every node in `from` to every node in `to`, one way only. */
  cutOneWay(from: readonly NodeId[], to: readonly NodeId[]): void {
    for (const a of from) for (const b of to) if (a !== b) this.cut.add(`${a}>${b}`);
  }

  heal(): void {
    this.cut.clear();
  }

  get partitioned(): boolean {
    return this.cut.size > 0;
  }

  isCut(from: string, to: string): boolean {
    return this.cut.size > 0 && this.cut.has(`${from}>${to}`);
  }

  /**
   * Decides the fate of a message sent at `nowMs` on the link `from` -> `to`. The answer
   * is valid until the next call (a delivery is one object, filled in anew each time).
   */
  fate(from: string, to: string, nowMs: number, obeyPartitions: boolean): Fate {
    if (obeyPartitions && this.isCut(from, to)) return CUT;
    const c = this.config;
    const link = this.link(from, to);
    const rng = link.rng;
    if (c.dropRate > 0 && rng.chance(c.dropRate)) return LOST;
    const out = this.delivery;
    out.atMs = this.arrival(link, nowMs);
    out.duplicateAtMs = c.duplicateRate > 0 && rng.chance(c.duplicateRate) ? this.arrival(link, nowMs) : undefined;
    return out;
  }

  /** The directed link `from` -> `to`, made (with its random stream) on its first message. */
  private link(from: NodeId, to: NodeId): Link {
    let row = this.links.get(from);
    if (row === undefined) this.links.set(from, (row = new Map()));
    let link = row.get(to);
    if (link === undefined) row.set(to, (link = { rng: this.rngFor(`${from}>${to}`), lastDeliveryMs: 0 }));
    return link;
  }

  private latency(rng: Rng): number {
    const c = this.config;
    const raw =
      c.distribution === 'uniform'
        ? rng.between(c.latencyMsMin, c.latencyMsMax)
        : Math.min(c.latencyMsMax, c.latencyMsMin + rng.exponential(c.latencyMsMean));
    return Math.round(raw * 1000) / 1000;
  }

  private arrival(link: Link, nowMs: number): number {
    const at = nowMs + this.latency(link.rng);
    if (this.config.reorder) return at;
    const fifo = Math.max(at, link.lastDeliveryMs);
    link.lastDeliveryMs = fifo;
    return fifo;
  }
}

/** Checks a network config; returns the problems found. */
export function networkProblems(c: NetworkConfig): string[] {
  const out: string[] = [];
  if (!(c.latencyMsMin >= 0)) out.push('latencyMsMin must be >= 0');
  if (!(c.latencyMsMax >= c.latencyMsMin)) out.push('latencyMsMax must be >= latencyMsMin');
  if (!(c.latencyMsMean > 0)) out.push('latencyMsMean must be > 0');
  if (c.distribution !== 'uniform' && c.distribution !== 'exponential') out.push("distribution must be 'uniform' or 'exponential'");
  for (const k of ['dropRate', 'duplicateRate'] as const) if (!(c[k] >= 0 && c[k] < 1)) out.push(`${k} must be in [0, 1)`);
  return out;
}
