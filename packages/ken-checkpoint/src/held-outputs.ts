import type { NodeId, RequestId } from '@faultline/runtime';
import type { HeldAnswer, HeldSend } from './fold.ts';

/** The outputs of one recorded turn, waiting for the record to be durable. */
export interface HeldTurn {
  readonly record: number;
  readonly sends: readonly HeldSend[];
  readonly answers: readonly HeldAnswer[];
  /** Delivered cursors the turn advanced: acknowledgeable once it is durable. */
  readonly cursors: readonly (readonly [NodeId, number])[];
}

/**
 * Output commit's waiting room: turns in record order, each released only when the
 * driver reports its record durable. Volatile: a crash loses it along with the turns
 * whose records were not durable, which is the point.
 */
export class HeldOutputs {
  private turns: HeldTurn[] = [];
  /** Request id -> the record whose answer to it is waiting. */
  private readonly answers = new Map<RequestId, number>();

  get size(): number {
    return this.turns.length;
  }

  hold(turn: HeldTurn): void {
    const last = this.turns[this.turns.length - 1];
    if (last !== undefined && last.record >= turn.record) {
      throw new Error(`held outputs out of order: record ${turn.record} after ${last.record}`);
    }
    this.turns.push(turn);
    for (const a of turn.answers) this.answers.set(a.requestId, turn.record);
  }

  /** True while an answer to `id` waits for its record. */
  answerHeld(id: RequestId): boolean {
    return this.answers.has(id);
  }

  /** Removes and returns the turns whose records are numbered up to `upTo`, in order. */
  release(upTo: number): HeldTurn[] {
    let k = 0;
    while (k < this.turns.length && this.turns[k]!.record <= upTo) k++;
    const out = this.turns.splice(0, k);
    for (const t of out) for (const a of t.answers) if (this.answers.get(a.requestId) === t.record) this.answers.delete(a.requestId);
    return out;
  }
}
