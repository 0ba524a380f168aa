import { CheckpointCorruptError, KenOutboxFullError, type KenOutput } from '@faultline/ken-checkpoint';
import { HandlerError, type NodeId, type ServiceEvent } from '@faultline/runtime';
import type { FaultEvent } from './fault-plan.ts';
import { kenSettleMs, type KenCrashPoint } from './ken-config.ts';
import { SimulationState } from './simulation-state.ts';
import type { Ev, SimNode } from './simulation-types.ts';

/** A run's Ken side: turns through a node's Ken layer, fsyncs, crash points, retransmission checks. */
export abstract class SimulationKen extends SimulationState {
  /** One call into a node's Ken layer: a turn (or a few: a delivery releases buffered ones), or a recovery. */
  protected kenTurn(node: SimNode, kind: ServiceEvent['kind'], call: () => KenOutput[]): void {
    const k = node.ken!;
    this.activeNode = node;
    this.activeEvent = kind;
    this.stats.turns++;
    let out: KenOutput[];
    try {
      out = call();
    } catch (err) {
      return this.kenFailure(node, err);
    } finally {
      this.activeNode = undefined;
    }
    if (this.violation !== undefined) return; // the transparency checker objected: the run stops here
    const app = k.node.appState;
    if (app !== node.view.state) {
      node.view.state = app;
      this.dirty = true;
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'state', node: node.id }, this.records ? app : undefined);
    }
    this.applyKenOutputs(node, out);
    if (this.violation !== undefined) return;
    k.noteOutbox();
    const sync = k.beginSync(this.now);
    if (sync !== undefined) this.push({ t: sync.atMs, seq: 0, k: 'fsync', node: node.id, sync });
    if (node.tearPending && k.disk.appendedUpTo > k.disk.durableUpTo) {
      // The disk fault strikes in the middle of this write.
      return this.crashNow(node, true);
    }
    if (this.atCrashPoint(node, 'written', k.recordsWritten)) this.crashAtPoint(node);
  }

  /**
   * Whether a message from `from` to `to` released at `atMs` should have been handled by
   * now: once faults end (at `durationMs`) and both ends are up (since their last starts),
   * a retransmission follows within the backoff cap, so after twice the cap and half a
   * second of slack (latency, fsyncs, recoveries) it is overdue.
   */
  protected kenOverdue(from: NodeId, to: NodeId, atMs: number): boolean {
    const since = Math.max(atMs, this.config.durationMs, this.nodes.get(from)!.startedAtMs, this.nodes.get(to)!.startedAtMs);
    return since + kenSettleMs(this.config.ken!) < this.now;
  }

  /** Whether `from` (up, with Ken) still holds message `seq` to `to` for retransmission. */
  protected kenHolds(from: NodeId, to: NodeId, seq: number): boolean {
    const n = this.nodes.get(from)!;
    if (!n.view.up) return true; // down at the end: it will resend once it recovers
    return n.ken!.node.kenState.out[to]?.unacked.some((u) => u.seq === seq) === true;
  }

  protected kenFailure(node: SimNode, err: unknown): void {
    if (err instanceof HandlerError) return this.fail('handler-error', err.message);
    if (err instanceof CheckpointCorruptError) return this.fail('ken-recovery', `${node.id} cannot recover: ${err.message}`);
    if (err instanceof KenOutboxFullError) return this.fail('ken-outbox-full', err.message);
    this.fail('ken-error', `${node.id}: ${err instanceof Error ? err.message : String(err)}`);
  }

  protected applyKenOutputs(node: SimNode, out: readonly KenOutput[]): void {
    for (let i = 0; i < out.length; i++) {
      const o = out[i]!;
      if (o.kind === 'frame') this.sendMessage(node, o.to, o.frame);
      else this.applyEffect(node, o);
    }
  }

  /** An fsync finished: the outputs of the turns it made durable are released. */
  protected fsyncDone(ev: Extract<Ev, { k: 'fsync' }>): void {
    const node = this.nodes.get(ev.node)!;
    const k = node.ken!;
    if (!node.view.up) return;
    // A paused node releases nothing: it takes the completion when it resumes.
    if (node.view.paused) return void (node.deferredSync = ev);
    if (!k.completeSync(ev.sync)) return; // begun before a crash: it never completed
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'durable', node: node.id, upTo: k.disk.durableUpTo });
    if (this.atCrashPoint(node, 'synced', k.disk.durableUpTo)) return this.crashAtPoint(node);
    let out: KenOutput[];
    this.activeNode = node;
    try {
      out = k.release();
    } catch (err) {
      return this.kenFailure(node, err);
    } finally {
      this.activeNode = undefined;
    }
    if (this.violation !== undefined) return;
    this.applyKenOutputs(node, out);
    if (this.violation !== undefined) return;
    const next = k.beginSync(this.now);
    if (next !== undefined) this.push({ t: next.atMs, seq: 0, k: 'fsync', node: node.id, sync: next });
    if (this.atCrashPoint(node, 'durable', k.disk.durableUpTo)) return this.crashAtPoint(node);
    this.releaseDeferred(node);
  }

  /** A crash that no plan scheduled (a crash point, or a disk fault that waited for a write), traced as a fault. */
  protected crashNow(node: SimNode, tear: boolean): void {
    const fault: FaultEvent = tear ? { atMs: this.now, kind: 'crash', node: node.id, tear } : { atMs: this.now, kind: 'crash', node: node.id };
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'fault', fault });
    this.dirty = true;
    this.crash(node, tear);
  }

  /** Whether the configured crash point, not yet hit, is `node` at `when` with its record reached. */
  protected atCrashPoint(node: SimNode, when: KenCrashPoint['when'], record: number): boolean {
    const p = this.config.ken!.crashPoint;
    return p !== undefined && !this.crashPointHit && p.node === node.id && p.when === when && record >= p.record;
  }

  /** The configured crash point is reached: crash now (once), restart `downMs` later. */
  protected crashAtPoint(node: SimNode): void {
    const downMs = this.config.ken!.crashPoint!.downMs;
    this.crashPointHit = true;
    this.crashNow(node, false);
    this.push({ t: this.now + downMs, seq: 0, k: 'fault', fault: { atMs: this.now + downMs, kind: 'restart', node: node.id } });
  }
}
