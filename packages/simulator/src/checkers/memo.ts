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
 * sets live one after another in one growing pool, and an open-addressing table holds
 * each entry's hash beside its number (a probe reads one place).
 *
 * A set is stored as its span (`Bitset.spanLo`): the words between its full prefix and its
 * empty tail. The search places operations roughly in time order, so a set is mostly a
 * prefix of placed operations and its span a few words wide whatever the history's length
 * (profiled on a 1,500-operation CAS history: copying and growing whole 47-word sets was
 * 28% of the search's time).
 */
export class SearchMemo<State> {
  private pool: Uint32Array = new Uint32Array(64);
  /** Per entry: where its span starts in `pool`, and its first word's index in the set. */
  private starts: Int32Array = new Int32Array(17);
  private los: Int32Array = new Int32Array(16);
  private readonly states: State[] = [];
  /** Per slot, two words: the entry's hash, and the entry number + 1 (0: empty slot). */
  private table = new Int32Array(64);

  constructor(private readonly equalStates: (a: State, b: State) => boolean) {}

  /** Records (`placed`, `state`); false if it was recorded before. */
  remember(placed: Bitset, state: State): boolean {
    const key = (placed.hash ^ Math.imul(stateHash(state), 0x27d4eb2d)) | 0;
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let slot = mix(key) & mask;
    let lo = -1;
    let hi = 0;
    for (let e = table[2 * slot + 1]!; e !== 0; slot = (slot + 1) & mask, e = table[2 * slot + 1]!) {
      if (table[2 * slot] !== key) continue;
      const entry = e - 1;
      if (lo < 0) {
        lo = placed.spanLo();
        hi = placed.spanHi(lo);
      }
      const start = this.starts[entry]!;
      if (this.los[entry] === lo && this.starts[entry + 1]! - start === hi - lo && placed.spanEqualsAt(lo, hi, this.pool, start) && this.equalStates(this.states[entry]!, state))
        return false;
    }
    if (lo < 0) {
      lo = placed.spanLo();
      hi = placed.spanHi(lo);
    }
    const entry = this.states.length;
    if (entry === this.los.length) this.growEntries();
    const start = this.starts[entry]!;
    if (start + hi - lo > this.pool.length) this.pool = grown(this.pool, start + hi - lo);
    this.pool.set(placed.words.subarray(lo, hi), start);
    this.starts[entry + 1] = start + hi - lo;
    this.los[entry] = lo;
    this.states.push(state);
    table[2 * slot] = key;
    table[2 * slot + 1] = entry + 1;
    if (4 * (entry + 1) > table.length) this.growTable();
    return true;
  }

  private growEntries(): void {
    const size = this.los.length * 2;
    this.los = grown(this.los, size);
    this.starts = grown(this.starts, size + 1);
  }

  private growTable(): void {
    const old = this.table;
    const table = new Int32Array(old.length * 2);
    const mask = (table.length >> 1) - 1;
    for (let from = 0; from < old.length; from += 2) {
      if (old[from + 1] === 0) continue;
      const key = old[from]!;
      let slot = mix(key) & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = key;
      table[2 * slot + 1] = old[from + 1]!;
    }
    this.table = table;
  }
}

/** A copy of `a` at least `size` long (doubling). */
function grown<A extends Int32Array | Uint32Array>(a: A, size: number): A {
  let n = a.length * 2;
  while (n < size) n *= 2;
  const b = new (a.constructor as new (n: number) => A)(n);
  b.set(a);
  return b;
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
