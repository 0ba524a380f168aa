import type { Choice } from './check.ts';
import type { ChunkReport, SearchShard, SleepMerge } from './search-shard.ts';

/**
 * The messages between the search's driver and a shard it does not hold (a worker
 * thread's): the requests of search-plan.ts, with a shard streaming its report of a level
 * in chunks while the driver merges them (paced by a `FlowControl`, which also tells it
 * to stop early).
 */
export type ToShard =
  /** The search goes on from root `index` of warm-start.ts's (the first message): a new shard, from that root. */
  | { readonly t: 'root'; readonly index: number }
  | { readonly t: 'level'; readonly stride: number; readonly offset: number; readonly report: boolean }
  | { readonly t: 'accept'; readonly successors: readonly number[] | null; readonly merges: readonly SleepMerge[] }
  | { readonly t: 'sleeps'; readonly successors: readonly number[] }
  | { readonly t: 'failure'; readonly successor: number }
  | { readonly t: 'paths'; readonly places: readonly number[] };

export type FromShard =
  | ({ readonly t: 'chunk' } & ChunkReport)
  | { readonly t: 'failure'; readonly property: string; readonly message: string; readonly path: readonly Choice[] }
  | { readonly t: 'sleeps'; readonly keys: readonly (readonly string[])[] }
  | { readonly t: 'paths'; readonly paths: readonly (readonly Choice[])[] };

/** Parents a shard expands between two chunks of its report (and two looks at its `FlowControl`). */
export const CHUNK_PARENTS = 16;
/** Chunks a shard may have sent that the driver has not merged yet: a shard runs at most this far ahead of the merge, which is all the work lost when the search stops in the middle of a level (its state budget). */
export const CHUNKS_AHEAD = 4;

/**
 * How a driver paces a shard it does not hold while it reports a level: the shard waits
 * when it is `CHUNKS_AHEAD` chunks ahead of the merge, and stops at `halted` (the level
 * is decided). Between threads, two shared words (see `sharedFlow`).
 */
export interface FlowControl {
  /** The level is decided: stop expanding it. */
  halted(): boolean;
  /** Returns once the driver has merged all but `CHUNKS_AHEAD` of the `sent` chunks, or halted. */
  waitToSend(sent: number): void;
}

/** No pacing: for a shard served in the driver's own thread, which could not wait for it. */
export const UNPACED: FlowControl = { halted: () => false, waitToSend: () => undefined };

/**
 * The flow control of a shard on another thread, over two words of shared memory: the
 * chunks merged so far (the driver counts them up) and the halt flag. The driver's side
 * is `merged` and `halt`; the shard's is the `FlowControl`.
 */
export function sharedFlow(buffer: SharedArrayBuffer): FlowControl & { merged(): void; halt(on: boolean): void } {
  const words = new Int32Array(buffer);
  return {
    halted: () => Atomics.load(words, 1) === 1,
    waitToSend: (sent) => {
      for (let merged = Atomics.load(words, 0); sent - merged >= CHUNKS_AHEAD && Atomics.load(words, 1) === 0; merged = Atomics.load(words, 0)) Atomics.wait(words, 0, merged, 100);
    },
    merged: () => {
      Atomics.add(words, 0, 1);
      Atomics.notify(words, 0);
    },
    halt: (on) => {
      Atomics.store(words, 1, on ? 1 : 0);
      Atomics.notify(words, 0);
    },
  };
}

/** Runs a shard for a driver, `shardAt(index)` from each root it is sent to: answers each message with `post`, and paces its reports by `flow`. */
export function serveShard(shardAt: (root: number) => SearchShard, post: (m: FromShard, transfer?: ArrayBuffer[]) => void, flow: FlowControl): (m: ToShard) => void {
  let sent = 0;
  let current: SearchShard | undefined;
  return (m) => {
    if (m.t === 'root') {
      current = shardAt(m.index);
      return;
    }
    if (current === undefined) throw new Error(`search shard: '${m.t}' before its root`);
    const shard = current;
    switch (m.t) {
      case 'level': {
        shard.beginLevel(m.stride, m.offset);
        for (;;) {
          if (m.report) flow.waitToSend(sent);
          const halted = m.report && flow.halted();
          const r = halted ? shard.expand(0, undefined) : shard.expand(CHUNK_PARENTS, undefined);
          if (m.report) {
            post({ t: 'chunk', ...r, last: r.last || halted }, [r.counts.buffer as ArrayBuffer, r.hashes.buffer as ArrayBuffer, r.own.buffer as ArrayBuffer, r.outcomes.buffer as ArrayBuffer]);
            sent++;
          }
          if (r.last || halted) return;
        }
      }
      case 'accept':
        if (m.successors !== null) shard.accept(m.successors, m.merges);
        return;
      case 'sleeps':
        post({ t: 'sleeps', keys: shard.sleepKeys([...m.successors]) });
        return;
      case 'failure':
        post({ t: 'failure', ...shard.failure(m.successor) });
        return;
      case 'paths':
        post({ t: 'paths', paths: m.places.map((k) => shard.pathOf(k)) });
        return;
    }
  };
}
