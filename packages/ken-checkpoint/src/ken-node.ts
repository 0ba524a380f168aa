import {
  TurnExecutor,
  type AnyService,
  type ClientId,
  type NodeId,
  type RequestId,
  type ServiceEvent,
  type TurnHost,
  type TurnResult,
} from '@faultline/runtime';
import type { Patch } from 'immer';
import { encodeCheckpointRecord, encodeTurnRecord, replayRecords } from './checkpoint-record.ts';
import { KenUsageError } from './errors.ts';
import { foldEffects, KEN_TIMER_PREFIX, type Folded, type HeldSend } from './fold.ts';
import { HeldOutputs } from './held-outputs.ts';
import { isKenFrame, type KenFrame } from './frames.ts';
import { KenEdit } from './ken-edit.ts';
import { ackedSeq, checkKey, initialKenState, unackedCount, type KenState } from './ken-state.ts';
import { resolveKenOptions, type KenOptions } from './options.ts';
import { pruneOutbox } from './outbox.ts';
import type { KenObservation, KenOutput } from './outputs.ts';
import { PeerLinks } from './peer-links.ts';
import { RECORD_HEADER_BYTES } from './record-codec.ts';
import { releaseTurns } from './release.ts';
import { RequestCache, type RequestNote } from './request-cache.ts';
import { SnapshotSchedule } from './snapshot-schedule.ts';
import { emptyKenStats, type KenStats } from './stats.ts';
import type { CheckpointStore } from './store.ts';

const NO_PATCHES: readonly Patch[] = Object.freeze([]);
/** The fold of a turn that ran no app handler: shared, read only (a turn allocates no empty lists). */
const NOTHING_FOLDED: Folded = Object.freeze({ sends: [], answers: [], local: [], notes: [] });
const NO_CURSORS: readonly (readonly [NodeId, number])[] = Object.freeze([]);
const NO_PREFIX: readonly string[] = Object.freeze([]);
/** Where the app's state sits in a KenState: its patches' paths start here. */
const APP_PREFIX: readonly string[] = Object.freeze(['app']);

/** What one turn does besides (maybe) running the app. */
interface TurnInput {
  readonly ack?: { readonly peer: NodeId; readonly ack: number };
  readonly deliver?: { readonly from: NodeId; readonly seq: number; readonly msg: unknown };
  readonly timerFired?: string;
  readonly request?: RequestId;
  readonly event?: ServiceEvent;
  readonly snapshot?: boolean;
}

/**
 * Ken rollback-recovery around one node's Service. Each input is one turn over the
 * node's `KenState`; the turn's change is appended to the store as one record (patches,
 * or a full snapshot from time to time, see `SnapshotSchedule`); its messages, replies and redirects are
 * held until the driver reports the record durable (`durable(upTo)`): output commit.
 * Between Ken peers every message carries a per-link sequence number and a piggybacked
 * ack; the receiver delivers in order, exactly once; unacked messages are retransmitted
 * with exponential backoff. After a crash, `start()` on a new KenNode over the same store
 * rebuilds the state of the last durable turn and resends what is unacknowledged.
 *
 * Every method returns the outputs the driver must carry out now. The node reads no
 * clock and draws no randomness of its own: both come from `host`.
 */
export class KenNode<S = unknown> {
  readonly options: KenOptions;
  readonly stats: KenStats = emptyKenStats();
  private readonly exec: TurnExecutor<S>;
  private ks: KenState<S> | undefined;
  /** While the app runs: the state it runs against (after this turn's ack). */
  private turnBase: KenState<S> | undefined;
  private readonly snapshots: SnapshotSchedule;
  private requests: RequestCache;
  /** The highest record the driver reported durable. */
  private durableRecord = 0;
  private readonly held = new HeldOutputs();
  private readonly links: PeerLinks;
  private readonly observe: ((e: KenObservation) => void) | undefined;

  constructor(
    service: AnyService,
    readonly self: NodeId,
    readonly cluster: readonly NodeId[],
    private readonly host: TurnHost,
    private readonly store: CheckpointStore,
    options?: Partial<KenOptions>,
  ) {
    checkKey('node id', self);
    this.options = resolveKenOptions(options);
    this.observe = this.options.observe;
    this.requests = new RequestCache(this.options.requestCacheMax);
    this.snapshots = new SnapshotSchedule(this.options.snapshotEveryTurns);
    this.links = new PeerLinks(self, this.options, this.stats);
    this.exec = new TurnExecutor<S>(service, self, cluster, {
      now: () => host.now(),
      random: () => host.random(),
      unackedTo: (peer) => this.unackedTo(peer),
    });
  }

  /** The app's state as of the last turn (durable or not). */
  get appState(): S {
    return this.state().app;
  }

  /** The whole Ken state as of the last turn, but the request cache. */
  get kenState(): KenState<S> {
    return this.state();
  }

  /** The request cache as of the last turn: every remembered id with its answer, oldest first. */
  get requestEntries(): RequestNote[] {
    this.state();
    return this.requests.entries();
  }

  /** The highest record the driver reported durable. */
  get durableUpTo(): number {
    return this.durableRecord;
  }

  /** Recorded turns whose outputs are held, waiting to be durable. */
  get heldTurns(): number {
    return this.held.size;
  }

  get started(): boolean {
    return this.ks !== undefined;
  }

  /** Messages to `peer` not yet acknowledged (including ones not yet released). */
  unackedTo(peer: NodeId): number {
    const ks = this.turnBase ?? this.ks;
    return ks === undefined ? 0 : unackedCount(ks, peer);
  }

  /**
   * Starts the node. With records in the store, recovers: the state of the last durable
   * turn comes back (no `onStart`), app timers are re-armed for what is left of them, and
   * every unacknowledged message is resent (once the recovered records are durable).
   * Without, runs `initialState` and `onStart` as the first recorded turn.
   */
  start(): KenOutput[] {
    if (this.ks !== undefined) throw new KenUsageError(`KenNode ${this.self}: start() was already called`);
    const payloads = this.store.load();
    if (payloads.length === 0) {
      this.ks = initialKenState(this.exec.initialState());
      try {
        return this.turn({ event: { kind: 'start' }, snapshot: true });
      } catch (err) {
        this.ks = undefined;
        throw err;
      }
    }
    return this.recover(payloads);
  }

  /** A frame from a Ken peer. */
  frame(from: NodeId, frame: KenFrame): KenOutput[] {
    const ks = this.state();
    if (!isKenFrame(frame) || typeof from !== 'string' || from === '' || ['__proto__', 'constructor', 'prototype'].includes(from)) {
      this.stats.badFrames++;
      return [{ kind: 'log', text: `ken: ${this.self} dropped a malformed frame from ${String(from)}` }];
    }
    const out: KenOutput[] = [];
    let ack = frame.ack;
    const sent = (ks.out[from]?.next ?? 1) - 1;
    if (ack > sent) {
      this.stats.bogusAcks++;
      out.push({
        kind: 'log',
        text: `ken: ${from} acknowledges ${ack} messages from ${this.self}, which sent only ${sent}: ${this.self}'s checkpoint was lost or its id reused`,
      });
      ack = sent;
    }
    const ackInput = ack > ackedSeq(ks, from) ? { peer: from, ack } : undefined;
    if (frame.ken === 'ack') {
      if (ackInput !== undefined) out.push(...this.turn({ ack: ackInput }));
      return out;
    }
    const expected = (ks.in[from] ?? 0) + 1;
    if (frame.seq === expected) {
      out.push(...this.deliver(from, frame.seq, frame.msg, ackInput));
      return out;
    }
    if (ackInput !== undefined) out.push(...this.turn({ ack: ackInput }));
    const link = this.links.link(from);
    if (frame.seq < expected) {
      this.stats.duplicates++;
      if (link.durableIn > 0) out.push(this.links.ackFrame(from, link));
    } else if (frame.seq - expected < this.options.reorderBufferMax && (link.ahead.size < this.options.reorderBufferMax || link.ahead.has(frame.seq))) {
      link.ahead.set(frame.seq, frame.msg);
      this.stats.buffered++;
    } else {
      this.stats.outOfWindow++;
    }
    return out;
  }

  /** A timer fired: an app timer, or one of Ken's own (`ken:` tags). */
  timer(tag: string): KenOutput[] {
    const ks = this.state();
    if (tag.startsWith(KEN_TIMER_PREFIX)) return this.links.timer(tag, (peer) => ks.out[peer]);
    if (!Object.hasOwn(ks.timers, tag)) {
      this.stats.staleTimers++;
      return [];
    }
    return this.turn({ timerFired: tag, event: { kind: 'timer', tag } });
  }

  /**
   * A client request. A request seen before is not run again: a released answer is sent
   * again, one still held or still pending is dropped (the answer will come). A request
   * that was redirected runs again: a redirect means the node did not take it on.
   */
  request(requestId: RequestId, client: ClientId, req: unknown): KenOutput[] {
    this.state(); // throws before start()
    checkKey('request id', requestId);
    const answer = this.requests.get(requestId);
    if (answer === undefined) return this.runRequest(requestId, client, req);
    if (answer === 'pending' || this.held.answerHeld(requestId)) {
      this.stats.retriesDropped++;
      return [];
    }
    if ('redirect' in answer) return this.runRequest(requestId, client, req);
    this.stats.cachedReplies++;
    this.observe?.({ kind: 'release-reply', node: this.self, requestId, result: answer.result, cached: true });
    return [{ kind: 'reply', requestId, result: answer.result }];
  }

  /**
   * The driver's report that records numbered up to `upTo` are durable (it may not claim
   * more than the store's `durableUpTo`). Releases the outputs held for them, in record
   * order: data frames carrying the current durable ack, ack frames to peers whose
   * delivered cursor became durable without a data frame to carry it, replies, redirects.
   */
  durable(upTo: number): KenOutput[] {
    const ks = this.state();
    if (!Number.isInteger(upTo) || upTo > this.store.durableUpTo) {
      throw new KenUsageError(`KenNode ${this.self}: durable(${upTo}) but the store is durable only up to ${this.store.durableUpTo}`);
    }
    if (upTo <= this.durableRecord) return [];
    this.durableRecord = upTo;
    const out = releaseTurns(this.held.release(upTo), {
      self: this.self,
      links: this.links,
      stats: this.stats,
      observe: this.observe,
      nowMs: this.host.now(),
      channel: (peer) => ks.out[peer],
    });
    const behind = this.snapshots.compactableBehind(upTo);
    if (behind > 0) {
      this.store.compact(behind);
      this.stats.compactions++;
    }
    return out;
  }

  private runRequest(requestId: RequestId, client: ClientId, req: unknown): KenOutput[] {
    return this.turn({ request: requestId, event: { kind: 'request', requestId, client, req } });
  }

  private state(): KenState<S> {
    if (this.ks === undefined) throw new KenUsageError(`KenNode ${this.self}: call start() first`);
    return this.ks;
  }

  /** Delivers the next expected message, then any buffered ones that follow it. */
  private deliver(from: NodeId, seq: number, msg: unknown, ack: TurnInput['ack']): KenOutput[] {
    const out = this.turn({ ack, deliver: { from, seq, msg }, event: { kind: 'message', from, msg } });
    const link = this.links.link(from);
    link.ahead.delete(seq);
    for (let next = seq + 1; link.ahead.has(next); next++) {
      const m = link.ahead.get(next);
      link.ahead.delete(next);
      out.push(...this.turn({ deliver: { from, seq: next, msg: m }, event: { kind: 'message', from, msg: m } }));
    }
    return out;
  }

  /**
   * One turn: prune the outbox for an incoming ack, run the app (if there is an event),
   * fold its effects into the KenState, append the change as one record, and hold the
   * outputs that must wait for it. Nothing changes if anything throws.
   */
  private turn(input: TurnInput): KenOutput[] {
    const base = this.state();
    let state: KenState<S> = base;
    let prunePatches: readonly Patch[] = NO_PATCHES;
    let pruned = 0;
    if (input.ack !== undefined) {
      const p = pruneOutbox(state, input.ack.peer, input.ack.ack);
      state = p.state;
      prunePatches = p.patches;
      pruned = p.count;
    }
    let app: TurnResult<S> | undefined;
    if (input.event !== undefined) {
      this.turnBase = state; // so that ctx.unackedTo sees this turn's ack
      try {
        app = this.exec.run(state.app, input.event, true);
      } finally {
        this.turnBase = undefined;
      }
    }
    let folded: Folded = NOTHING_FOLDED;
    const edit = new KenEdit(state);
    if (input.deliver !== undefined) edit.delivered(input.deliver.from, input.deliver.seq);
    if (input.timerFired !== undefined) edit.clearTimer(input.timerFired);
    if (app !== undefined) {
      folded = foldEffects(edit as KenEdit<unknown>, app.effects, {
        self: this.self,
        nowMs: this.host.now(),
        outboxMaxPerPeer: this.options.outboxMaxPerPeer,
      });
    }
    let notes: readonly RequestNote[] = folded.notes;
    if (input.request !== undefined) {
      // A fold's notes list is its own to extend (the shared empty fold's is frozen).
      if (folded === NOTHING_FOLDED) notes = [[input.request, 'pending']];
      else folded.notes.unshift([input.request, 'pending']);
    }
    const next = edit.finish(app?.changed === true ? app.state : state.app);
    // The record's patches in order: the ack's, the app's (under `app`, written with the prefix rather than copied), Ken's own.
    const appPatches = app?.patches ?? NO_PATCHES;
    const patchCount = prunePatches.length + appPatches.length + edit.patches.length;
    this.stats.turns++;

    const changed = patchCount > 0 || notes.length > 0;
    const snapshot = input.snapshot === true || (changed && this.snapshots.due());
    if (!snapshot && !changed) {
      // Nothing changed, so nothing can be waiting on a record (sends and answers change the state).
      this.ks = next;
      return folded.local.slice();
    }
    for (const n of notes) this.requests.note(n);
    // Encoded straight into its frame: the store keeps these very bytes.
    const framed = snapshot
      ? encodeCheckpointRecord({ kind: 'snapshot', state: next, requests: this.requests.entries() }, true)
      : encodeTurnRecord([{ prefix: NO_PREFIX, patches: prunePatches }, { prefix: APP_PREFIX, patches: appPatches }, { prefix: NO_PREFIX, patches: edit.patches }], notes, true);
    const record = this.store.appendFramed(framed, snapshot);
    const payloadBytes = framed.length - RECORD_HEADER_BYTES;
    this.ks = next;
    this.stats.records++;
    this.stats.recordBytes += payloadBytes;
    this.snapshots.recorded(record, payloadBytes, snapshot);
    if (snapshot) this.stats.snapshots++;
    const cursors = input.deliver === undefined ? NO_CURSORS : [[input.deliver.from, input.deliver.seq] as const];
    if (folded.sends.length > 0 || folded.answers.length > 0 || cursors.length > 0) {
      this.held.hold({ record, sends: folded.sends, answers: folded.answers, cursors });
    }
    if (input.request !== undefined) this.observe?.({ kind: 'app-request', node: this.self, requestId: input.request, record });
    if (input.deliver !== undefined) {
      this.stats.delivered++;
      const d = input.deliver;
      this.observe?.({ kind: 'app-deliver', node: this.self, from: d.from, seq: d.seq, msg: d.msg, record });
    }
    const out = folded.local.slice();
    if (input.ack !== undefined && pruned > 0) {
      this.stats.acked += pruned;
      out.push(...this.links.afterAck(input.ack.peer, next.out[input.ack.peer], input.ack.ack, this.host.now()));
    }
    return out;
  }

  private recover(payloads: Uint8Array[]): KenOutput[] {
    const last = this.store.appendedUpTo;
    const first = last - payloads.length + 1;
    const replayed = replayRecords<S>(payloads, first, this.options.requestCacheMax);
    this.ks = replayed.state;
    this.requests = replayed.requests;
    this.snapshots.restore(replayed.turnsSinceSnapshot, replayed.bytesSinceSnapshot, replayed.snapshotBytes);
    this.stats.recoveries = 1;
    this.stats.replayedRecords = payloads.length;
    const ks = replayed.state;
    const out: KenOutput[] = [
      { kind: 'log', text: `ken: ${this.self} recovered from records ${first}..${last} (${replayed.turnsSinceSnapshot} turns after the snapshot)` },
    ];
    const now = this.host.now();
    for (const [tag, deadline] of Object.entries(ks.timers)) out.push({ kind: 'setTimer', tag, delayMs: Math.max(0, deadline - now) });
    // Everything unacknowledged goes out again, and every cursor is acknowledged, once
    // the recovered records are durable (they normally already are).
    const sends: HeldSend[] = [];
    for (const [to, ch] of Object.entries(ks.out)) for (const u of ch.unacked) sends.push({ to, seq: u.seq, msg: u.msg });
    const cursors = Object.entries(ks.in).filter(([, seq]) => seq > 0);
    this.held.hold({ record: last, sends, answers: [], cursors });
    if (this.store.durableUpTo >= last) out.push(...this.durable(last));
    return out;
  }
}
