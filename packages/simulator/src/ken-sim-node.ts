import { KenNode, SimDisk, type KenObservation, type KenOutput } from '@faultline/ken-checkpoint';
import type { AnyService, NodeId, TurnHost } from '@faultline/runtime';
import type { ResolvedKen } from './ken-config.ts';
import type { Rng } from './rng.ts';

/** An fsync in flight: it covers records up to `upTo`, and counts only if no crash came first. */
export interface PendingSync {
  readonly upTo: number;
  readonly epoch: number;
  readonly atMs: number;
}

/**
 * One simulated node's Ken layer: its disk, which outlives crashes, and the KenNode of the
 * current incarnation. The simulation decides when fsyncs begin and complete; this keeps
 * the bookkeeping: one fsync in flight at a time, covering everything appended so far.
 */
export class KenSimNode {
  readonly disk: SimDisk;
  private ken: KenNode | undefined;
  private syncing = false;
  /** The most records the disk held before any crash (a crash loses unsynced ones, and they are written again). */
  private writtenBeforeCrashes = 0;
  recoveries = 0;
  /** The most messages this node ever had unacknowledged to one peer, and that peer. */
  outboxPeak = 0;
  outboxPeakPeer: NodeId | undefined;

  constructor(
    readonly id: NodeId,
    private readonly service: AnyService,
    private readonly cluster: readonly NodeId[],
    private readonly host: TurnHost,
    private readonly config: ResolvedKen,
    private readonly rng: Rng,
    private readonly observe: (e: KenObservation) => void,
  ) {
    this.disk = new SimDisk(`disk of ${id}`);
  }

  /** Records written over the whole run, across incarnations (a record lost and rewritten counts once). */
  get recordsWritten(): number {
    return Math.max(this.writtenBeforeCrashes, this.disk.appendedUpTo);
  }

  /** Notes the outbox's size after a turn, for the run's report (a pile-up warning). */
  noteOutbox(): void {
    const k = this.ken;
    if (k === undefined) return;
    for (const peer of this.cluster) {
      if (peer === this.id) continue;
      const n = k.unackedTo(peer);
      if (n > this.outboxPeak) {
        this.outboxPeak = n;
        this.outboxPeakPeer = peer;
      }
    }
  }

  get node(): KenNode {
    if (this.ken === undefined) throw new Error(`ken: ${this.id} is down`);
    return this.ken;
  }

  /** A new incarnation: recovers from the disk, or starts afresh when it is empty. */
  start(): KenOutput[] {
    const recovering = this.disk.appendedUpTo > 0;
    this.ken = new KenNode(this.service, this.id, this.cluster, this.host, this.disk, { ...this.config.options, observe: this.observe });
    this.syncing = false;
    const out = this.ken.start();
    if (recovering) this.recoveries++;
    return out;
  }

  /** Power loss: unsynced records are lost, the last one maybe torn. Returns the surviving record count. */
  crash(tear: boolean): number {
    this.writtenBeforeCrashes = this.recordsWritten;
    this.disk.crash(this.rng, { tear, lie: this.config.dishonestFsync ? 1 : 0 });
    this.ken = undefined;
    this.syncing = false;
    return this.disk.durableUpTo;
  }

  /** With group commit off, a node takes no input while its fsync is in flight. */
  get blocked(): boolean {
    return this.syncing && !this.config.groupCommit;
  }

  /** Starts an fsync if records wait for one and none is in flight. */
  beginSync(nowMs: number): PendingSync | undefined {
    if (this.syncing || this.disk.appendedUpTo <= this.disk.durableUpTo) return undefined;
    this.syncing = true;
    const latency = this.rng.between(this.config.fsyncMsMin, this.config.fsyncMsMax);
    return { upTo: this.disk.beginSync(), epoch: this.disk.epoch, atMs: nowMs + Math.round(latency * 1000) / 1000 };
  }

  /** The fsync finished; false (and nothing changes) if a crash came first. */
  completeSync(sync: PendingSync): boolean {
    if (!this.disk.completeSync(sync.upTo, sync.epoch)) return false;
    this.syncing = false;
    return true;
  }

  /** Releases the outputs held for what is now durable. */
  release(): KenOutput[] {
    return this.node.durable(this.disk.durableUpTo);
  }
}
