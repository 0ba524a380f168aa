import type { NodeId } from '@faultline/runtime';
import type { Patch } from 'immer';
import type { KenState, OutChannel, UnackedMessage } from './ken-state.ts';

/**
 * One turn's changes to Ken's own bookkeeping (outboxes, receive cursors, timers), made
 * copy-on-write by hand and recorded as immer patches that `applyPatches` replays. An
 * immer draft did the same job but cost more than the app's whole turn: these are a few
 * small, known shapes, so each change is a shallow copy of the one map it touches.
 * (The app's own state is not touched here; `state.app` is carried through.)
 */
export class KenEdit<S> {
  readonly patches: Patch[] = [];
  private out: Record<NodeId, OutChannel> | undefined;
  private readonly channels = new Map<NodeId, { next: number; unacked: UnackedMessage[] }>();
  private inCursors: Record<NodeId, number> | undefined;
  private timers: Record<string, number> | undefined;

  constructor(private readonly base: KenState<S>) {}

  /** The peer's outbox as it stands in this turn. */
  channel(peer: NodeId): OutChannel | undefined {
    return this.channels.get(peer) ?? this.base.out[peer];
  }

  /** Appends `msg` to the outbox for `peer`; returns its sequence number. */
  send(peer: NodeId, msg: unknown): number {
    let ch = this.channels.get(peer);
    if (ch === undefined) {
      const old = this.base.out[peer];
      if (old === undefined) this.patches.push({ op: 'add', path: ['out', peer], value: { next: 1, unacked: [] } });
      ch = { next: old?.next ?? 1, unacked: old === undefined ? [] : old.unacked.slice() };
      this.channels.set(peer, ch);
    }
    const seq = ch.next++;
    this.patches.push({ op: 'add', path: ['out', peer, 'unacked', ch.unacked.length], value: { seq, msg } });
    ch.unacked.push({ seq, msg });
    return seq;
  }

  /** The app has handled message `seq` from `peer`. */
  delivered(peer: NodeId, seq: number): void {
    this.inCursors ??= { ...this.base.in };
    this.patches.push({ op: Object.hasOwn(this.inCursors, peer) ? 'replace' : 'add', path: ['in', peer], value: seq });
    this.inCursors[peer] = seq;
  }

  setTimer(tag: string, deadlineMs: number): void {
    this.timers ??= { ...this.base.timers };
    this.patches.push({ op: Object.hasOwn(this.timers, tag) ? 'replace' : 'add', path: ['timers', tag], value: deadlineMs });
    this.timers[tag] = deadlineMs;
  }

  clearTimer(tag: string): void {
    const current = this.timers ?? this.base.timers;
    if (!Object.hasOwn(current, tag)) return;
    this.timers ??= { ...this.base.timers };
    this.patches.push({ op: 'remove', path: ['timers', tag] });
    delete this.timers[tag];
  }

  /** The new state (the base itself when nothing changed) with `app` as its app state. */
  finish(app: S): KenState<S> {
    for (const [peer, ch] of this.channels) {
      this.patches.push({ op: 'replace', path: ['out', peer, 'next'], value: ch.next });
      this.out ??= { ...this.base.out };
      this.out[peer] = ch;
    }
    if (this.patches.length === 0 && app === this.base.app) return this.base;
    return { app, out: this.out ?? this.base.out, in: this.inCursors ?? this.base.in, timers: this.timers ?? this.base.timers };
  }
}
