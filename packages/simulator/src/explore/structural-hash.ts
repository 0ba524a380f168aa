/**
 * A structural hash of plain data: two values that `canonicalJson` writes alike hash
 * alike (object keys in any order, `undefined` members left out, Maps and Sets as
 * unordered entries), computed from the hashes of their parts, never from a text. Objects'
 * hashes are cached by identity, so a state that immer built from its parent by changing
 * one path costs only that path: every subtree it shares with the parent is looked up.
 *
 * A hash is a non-negative integer below 2^53 (two 32-bit murmur3 lanes, 53 bits kept), so
 * that it is a cheap Map/Set key and can be fed into another hash exactly.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const TWO32 = 4294967296;

/** The two lanes being mixed; `reset`, feed with `int`/`text`/`num`, then `value()`. */
export class Mixer {
  private a = 0;
  private b = 0;

  reset(seed: number): this {
    this.a = seed ^ 0x9747b28c;
    this.b = Math.imul(seed, 0x85ebca6b) ^ 0x3c6ef372;
    return this;
  }

  int(x: number): this {
    let k = Math.imul(x, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    let a = this.a ^ k;
    a = (a << 13) | (a >>> 19);
    this.a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    let b = this.b ^ Math.imul(k, 0x2545f491);
    b = (b << 17) | (b >>> 15);
    this.b = (Math.imul(b, 9) + 0x7f4a7c15) | 0;
    return this;
  }

  /** A hash below 2^53 (see `num`) or any integer-valued number below 2^53 in size. */
  num(h: number): this {
    if (h < 0) return this.int(h % TWO32 | 0).int(Math.floor(h / TWO32) | 0);
    // For h >= 0 the same two words as above, without a floating-point remainder.
    const high = Math.floor(h / TWO32);
    return this.int((h - high * TWO32) | 0).int(high | 0);
  }

  text(s: string): this {
    this.int(s.length);
    for (let i = 0; i < s.length; i++) this.int(s.charCodeAt(i));
    return this;
  }

  value(): number {
    const a = fmix(this.a ^ this.b);
    const b = fmix(this.b + Math.imul(a, 0x27d4eb2d));
    return (b >>> 11) * TWO32 + (a >>> 0);
  }

  /** `value()` as its two parts, `value() === high * 2^32 + low`, with no number above 2^32 made (see `Unordered.add`). */
  valueParts(): void {
    const a = fmix(this.a ^ this.b);
    this.low = a >>> 0;
    this.high = fmix(this.b + Math.imul(a, 0x27d4eb2d)) >>> 11;
  }

  /** The parts `valueParts` wrote. */
  low = 0;
  high = 0;

  /** The two lanes as 16 hex digits (a 64-bit name). */
  digest(): string {
    const [b, a] = this.lanes(pair);
    return b!.toString(16).padStart(8, '0') + a!.toString(16).padStart(8, '0');
  }

  /** The 64 bits `digest` writes, into `out` (high word first), with no text made. */
  lanes(out: Uint32Array): Uint32Array {
    const a = fmix(this.a ^ this.b) >>> 0;
    out[0] = fmix(this.b + Math.imul(a, 0x27d4eb2d));
    out[1] = a;
    return out;
  }
}

const pair = new Uint32Array(2);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const enum Tag {
  Null = 1,
  False,
  True,
  Int,
  Number,
  Text,
  BigInt,
  Array,
  Object,
  Map,
  Set,
  Entry,
}

const cache = new WeakMap<object, number>();
const leaf = new Mixer();
/** One mixer per level of nesting being hashed (an array's mixer is fed between its elements' hashes). */
const levels: Mixer[] = [];
let level = 0;

/** The structural hash of `v` (see the module comment). */
export function structuralHash(v: unknown): number {
  switch (typeof v) {
    case 'undefined':
      return NULL;
    case 'boolean':
      return v ? TRUE : FALSE;
    case 'number':
      if (Number.isSafeInteger(v)) return leaf.reset(Tag.Int).num(v < 0 ? -v : v).int(v < 0 ? 1 : 0).value();
      return Number.isFinite(v) ? leaf.reset(Tag.Number).text(String(v)).value() : NULL;
    case 'string':
      return textHash(v);
    case 'bigint':
      return leaf.reset(Tag.BigInt).text(String(v)).value();
    case 'object':
      return v === null ? NULL : objectHash(v);
    default:
      // Functions and symbols: canonicalJson writes them as JSON.stringify does (nothing, or null in arrays).
      return NULL;
  }
}

/** Texts' hashes by text: object keys and short strings recur in every state, and hashing one is a loop over its characters. */
const texts = new Map<string, number>();
const MAX_CACHED_TEXTS = 1 << 16;
const MAX_CACHED_TEXT_LENGTH = 64;

function textHash(s: string): number {
  const hit = texts.get(s);
  if (hit !== undefined) return hit;
  const h = leaf.reset(Tag.Text).text(s).value();
  if (s.length <= MAX_CACHED_TEXT_LENGTH) {
    if (texts.size >= MAX_CACHED_TEXTS) texts.clear();
    texts.set(s, h);
  }
  return h;
}

const NULL = new Mixer().reset(Tag.Null).value();
const TRUE = new Mixer().reset(Tag.True).value();
const FALSE = new Mixer().reset(Tag.False).value();

function objectHash(v: object): number {
  const hit = cache.get(v);
  if (hit !== undefined) return hit;
  let h: number;
  if (Array.isArray(v)) {
    const m = (levels[level] ??= new Mixer()).reset(Tag.Array).int(v.length);
    level++;
    try {
      for (const x of v) m.num(structuralHash(x));
    } finally {
      level--;
    }
    h = m.value();
  } else {
    const u = new Unordered();
    if (v instanceof Map) for (const [k, x] of v) u.add(structuralHash(k), structuralHash(x));
    else if (v instanceof Set) for (const x of v) u.add(structuralHash(x), 0);
    else {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        if (!Object.hasOwn(o, k)) continue;
        const x = o[k];
        if (x !== undefined) u.add(textHash(k), structuralHash(x));
      }
    }
    h = u.value(v instanceof Map ? Tag.Map : v instanceof Set ? Tag.Set : Tag.Object);
  }
  cache.set(v, h);
  return h;
}

const entry = new Mixer();
const total = new Mixer();

/** A multiset of (key, value) hash pairs, combined so that their order does not matter. */
export class Unordered {
  private lo = 0;
  private hi = 0;
  private n = 0;

  add(k: number, x: number): void {
    // The entry's hash e = high * 2^32 + low: lo sums e mod 2^32, hi sums floor(e / 2^32).
    entry.reset(Tag.Entry).num(k).num(x).valueParts();
    this.lo = (this.lo + entry.low) % TWO32;
    this.hi = (this.hi + entry.high) % 2097152;
    this.n++;
  }

  value(tag: number): number {
    return total.reset(tag).int(this.n).int(this.lo | 0).int(this.hi).value();
  }
}
