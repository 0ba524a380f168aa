import type { AnyService, NodeId } from '@faultline/runtime';
import { KenNode, SimDisk, type KenFrame, type KenObservation, type KenOptions, type KenOutput, type KenStats } from '../src/index.ts';
import { mulberry32 } from './rng.ts';

export interface InFlight {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly frame: KenFrame;
}

interface Slot {
  node: KenNode<any> | undefined;
  readonly disk: SimDisk;
  readonly timers: Map<string, number>;
}

/**
 * A tiny driver for tests: KenNodes with a SimDisk each, a bag of frames in flight that
 * the test delivers (in any order), timers on one shared clock, and explicit syncs.
 */
export class Harness {
  clockMs = 0;
  readonly slots = new Map<NodeId, Slot>();
  net: InFlight[] = [];
  readonly replies: { node: NodeId; requestId: string; result: unknown }[] = [];
  readonly redirects: { node: NodeId; requestId: string; to: NodeId }[] = [];
  readonly observed: KenObservation[] = [];
  /** The stats of node instances that crashed. */
  readonly crashedStats: KenStats[] = [];
  readonly rng: { random(): number; int(n: number): number };

  constructor(
    readonly ids: readonly NodeId[],
    readonly service: AnyService,
    readonly options: Partial<KenOptions> = {},
    seed = 1,
  ) {
    this.rng = mulberry32(seed);
    for (const id of ids) this.slots.set(id, { node: undefined, disk: new SimDisk(id), timers: new Map() });
  }

  slot(id: NodeId): Slot {
    const s = this.slots.get(id);
    if (s === undefined) throw new Error(`no node ${id}`);
    return s;
  }
  node(id: NodeId): KenNode<any> {
    const n = this.slot(id).node;
    if (n === undefined) throw new Error(`${id} is down`);
    return n;
  }
  disk(id: NodeId): SimDisk {
    return this.slot(id).disk;
  }
  up(id: NodeId): boolean {
    return this.slot(id).node !== undefined;
  }

  start(id: NodeId): KenOutput[] {
    const s = this.slot(id);
    const host = { now: () => this.clockMs, random: () => this.rng.random() };
    s.node = new KenNode(this.service, id, this.ids, host, s.disk, { ...this.options, observe: (e) => this.observed.push(e) });
    return this.apply(id, s.node.start());
  }

  /** Carries out a node's outputs; returns them for inspection. */
  apply(id: NodeId, outputs: KenOutput[]): KenOutput[] {
    const s = this.slot(id);
    for (const o of outputs) {
      switch (o.kind) {
        case 'frame':
          this.net.push({ from: id, to: o.to, frame: o.frame });
          break;
        case 'setTimer':
          s.timers.set(o.tag, this.clockMs + o.delayMs);
          break;
        case 'cancelTimer':
          s.timers.delete(o.tag);
          break;
        case 'reply':
          this.replies.push({ node: id, requestId: o.requestId, result: o.result });
          break;
        case 'redirect':
          this.redirects.push({ node: id, requestId: o.requestId, to: o.to });
          break;
        case 'log':
          break;
      }
    }
    return outputs;
  }

  /** Syncs the node's disk and tells the node. */
  sync(id: NodeId): KenOutput[] {
    const upTo = this.disk(id).syncNow();
    return this.apply(id, this.node(id).durable(upTo));
  }

  crash(id: NodeId, tear: boolean): void {
    const s = this.slot(id);
    if (s.node !== undefined) this.crashedStats.push(s.node.stats);
    s.disk.crash(this.rng, { tear });
    s.node = undefined;
    s.timers.clear();
  }

  /** Delivers (and removes) frame `i` of the network; a frame to a down node is lost. */
  deliver(i = 0): KenOutput[] {
    const [m] = this.net.splice(i, 1);
    if (m === undefined) throw new Error('no frame in flight');
    const s = this.slot(m.to);
    if (s.node === undefined) return [];
    return this.apply(m.to, s.node.frame(m.from, m.frame));
  }

  /** Delivers a copy of frame `i`, leaving the original in flight. */
  duplicate(i: number): KenOutput[] {
    const m = this.net[i];
    if (m === undefined) throw new Error('no frame in flight');
    const s = this.slot(m.to);
    if (s.node === undefined) return [];
    return this.apply(m.to, s.node.frame(m.from, m.frame));
  }

  /** Fires `id`'s earliest timer (or a given one), moving the clock forward to it. */
  fire(id: NodeId, tag?: string): KenOutput[] {
    const s = this.slot(id);
    let best: [string, number] | undefined;
    for (const [t, at] of s.timers) if ((tag === undefined || t === tag) && (best === undefined || at < best[1])) best = [t, at];
    if (best === undefined) throw new Error(`${id} has no timer ${tag ?? ''}`);
    s.timers.delete(best[0]);
    this.clockMs = Math.max(this.clockMs, best[1]);
    return this.apply(id, this.node(id).timer(best[0]));
  }

  hasTimer(id: NodeId, prefix = ''): boolean {
    for (const t of this.slot(id).timers.keys()) if (t.startsWith(prefix)) return true;
    return false;
  }

  request(id: NodeId, requestId: string, req: unknown): KenOutput[] {
    return this.apply(id, this.node(id).request(requestId, 'c1', req));
  }
}

export function framesIn(outputs: readonly KenOutput[]): { to: NodeId; frame: KenFrame }[] {
  const out: { to: NodeId; frame: KenFrame }[] = [];
  for (const o of outputs) if (o.kind === 'frame') out.push({ to: o.to, frame: o.frame });
  return out;
}

/** Every node instance's stats (crashed ones too), summed. */
export function totalStats(h: Harness): Record<string, number> {
  const all = [...h.crashedStats];
  for (const s of h.slots.values()) if (s.node !== undefined) all.push(s.node.stats);
  const sum: Record<string, number> = {};
  for (const st of all) for (const [k, v] of Object.entries(st)) sum[k] = (sum[k] ?? 0) + v;
  return sum;
}
