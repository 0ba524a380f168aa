import { fnv1a } from '@faultline/runtime';
import type { Bitset } from './bitset.ts';

/**
 * Lowe's memo for a search over orders of operations: the configurations (set of
 * operations placed so far, model state) already reached. A configuration reached again
 * by another order can be skipped: the rest of the search from it would be the same.
 * Shared by the linearizability and sequential consistency searches.
 *
 * Compact, with no allocation per entry (profiled: a Uint32Array snapshot and a bucket
 * object per configuration were a quarter of a heavy search's time, GC included): the
 * sets' words live one after another in one growing pool, the entries' hashes in a
 * typed array, and an open-addressing table maps a hash to entry numbers.
 */
export class SearchMemo<State> {
  private pool = new Uint32Array(0);
  private hashes = new Int32Array(16);
  private readonly states: State[] = [];
  /** Entry number + 1 per slot; 0: empty. */
  private table = new Int32Array(32);
  private width = -1;

  constructor(private readonly equalStates: (a: State, b: State) => boolean) {}

  /** Records (`placed`, `state`); false if it was recorded before. */
  remember(placed: Bitset, state: State): boolean {
    if (this.width < 0) {
      this.width = placed.words.length;
      this.pool = new Uint32Array(16 * this.width);
    }
    const key = (placed.hash ^ Math.imul(stateHash(state), 0x27d4eb2d)) | 0;
    const mask = this.table.length - 1;
    let slot = mix(key) & mask;
    for (let e = this.table[slot]!; e !== 0; slot = (slot + 1) & mask, e = this.table[slot]!) {
      const entry = e - 1;
      if (this.hashes[entry] === key && placed.equalsAt(this.pool, entry * this.width) && this.equalStates(this.states[entry]!, state)) return false;
    }
    const entry = this.states.length;
    if (entry === this.hashes.length) this.growEntries();
    this.hashes[entry] = key;
    this.pool.set(placed.words, entry * this.width);
    this.states.push(state);
    this.table[slot] = entry + 1;
    if (2 * (entry + 1) > this.table.length) this.growTable();
    return true;
  }

  private growEntries(): void {
    const hashes = new Int32Array(this.hashes.length * 2);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const pool = new Uint32Array(this.pool.length * 2);
    pool.set(this.pool);
    this.pool = pool;
  }

  private growTable(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let entry = 0; entry < this.states.length; entry++) {
      let slot = mix(this.hashes[entry]!) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = entry + 1;
    }
    this.table = table;
  }
}

/** Spreads a 32-bit hash over the low bits the table uses. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}

/**
 * A hash of a state: strings by FNV-1a, arrays in order (the set and queue models'
 * states), plain objects by their own keys in any order (the list-append model's lists
 * per key), down to a few levels; 0 for what it does not look into. Equal states by
 * structure hash alike; a model whose `equalStates` is looser only loses some memo hits
 * (a hash is a filter, never a verdict). Profiled: with every object state at 0, the
 * list-append model's configurations all fell in one probe chain per set of operations,
 * and a 2M-step search took minutes instead of seconds.
 */
export function stateHash(state: unknown, depth = 4): number {
  if (typeof state === 'string') return fnv1a(state);
  if (typeof state === 'number') return Math.imul(state | 0, 0x9e3779b1) ^ (state * 1000) | 0;
  if (typeof state === 'boolean') return state ? 1 : 2;
  if (state === null || typeof state !== 'object' || depth === 0) return 0;
  if (Array.isArray(state)) {
    let h = state.length;
    for (const x of state) h = (Math.imul(h, 0x01000193) ^ stateHash(x, depth - 1)) | 0;
    return h;
  }
  let h = 0x2545f491;
  for (const key of Object.keys(state)) h = (h + mix(Math.imul(fnv1a(key), 0x01000193) ^ stateHash((state as Record<string, unknown>)[key], depth - 1))) | 0;
  return h;
}
