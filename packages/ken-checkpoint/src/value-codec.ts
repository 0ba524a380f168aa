import { deserialize, serialize } from 'node:v8';

/**
 * A compact binary encoding of the values a Ken record holds: plain data (undefined, null,
 * booleans, numbers, strings, dense arrays, plain objects) is written by hand, tag byte
 * first; anything else (a Map, a Set, a Date, a typed array, a BigInt, a class instance,
 * a sparse array, nesting deeper than `DEPTH_MAX`) goes through the structured clone
 * (`node:v8`) as one opaque piece, so every value `v8.serialize` accepted still round-trips
 * exactly as it did. The same value gives the same bytes (keys in insertion order).
 *
 * Profiled on the Ken bench, `v8.serialize` of each turn's record was a third of Ken's
 * own CPU per turn: it builds a serializer object per call and writes a header and
 * reference bookkeeping that records of a few small patches do not need.
 */

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
/** A signed integer of up to 31 bits, zigzag varint. */
const T_INT = 4;
const T_FLOAT = 5;
const T_STRING = 6;
const T_ARRAY = 7;
const T_OBJECT = 8;
/** Structured-clone bytes (varint length first), for everything else. */
const T_CLONE = 9;

/** Deeper values are handed to the structured clone whole (it also copes with cycles). */
const DEPTH_MAX = 200;

/** Appends to a growable buffer; `take()` returns a copy of what was written and starts over. */
export class ByteWriter {
  private buf = Buffer.allocUnsafe(4096);
  private at = 0;

  take(): Uint8Array {
    const out = Buffer.allocUnsafe(this.at); // small ones come from Node's pool: no zero-fill, no fresh ArrayBuffer
    this.buf.copy(out, 0, 0, this.at);
    this.at = 0;
    return out;
  }

  /** Leaves `n` bytes unwritten (room for a header the taker fills in). */
  skip(n: number): void {
    this.room(n);
    this.at += n;
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }

  /** An unsigned integer below 2^53, 7 bits a byte, low bits first. */
  uint(n: number): void {
    this.room(8);
    while (n >= 0x80) {
      this.buf[this.at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.at++] = n;
  }

  bytes(b: Uint8Array): void {
    this.uint(b.length);
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  string(s: string): void {
    const n = s.length;
    if (n < 128) {
      // Short strings are usually ASCII: one length byte, then one byte per char.
      this.room(1 + n);
      const start = this.at;
      this.buf[this.at++] = n;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        this.buf[this.at++] = c;
      }
      if (i === n) return;
      this.at = start;
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.uint(len);
    this.room(len);
    this.at += this.buf.write(s, this.at, len, 'utf8');
  }

  value(v: unknown, depth = 0): void {
    switch (typeof v) {
      case 'undefined':
        return this.byte(T_UNDEFINED);
      case 'boolean':
        return this.byte(v ? T_TRUE : T_FALSE);
      case 'number':
        if ((v | 0) === v && !Object.is(v, -0)) {
          this.byte(T_INT);
          return this.uint(v >= 0 ? v * 2 : -v * 2 - 1);
        }
        this.byte(T_FLOAT);
        this.room(8);
        this.buf.writeDoubleLE(v, this.at);
        this.at += 8;
        return;
      case 'string':
        this.byte(T_STRING);
        return this.string(v);
      case 'object':
        if (v === null) return this.byte(T_NULL);
        if (depth < DEPTH_MAX) {
          if (Array.isArray(v)) {
            if (isDense(v)) {
              this.byte(T_ARRAY);
              this.uint(v.length);
              for (let i = 0; i < v.length; i++) this.value(v[i], depth + 1);
              return;
            }
          } else if (isPlainObject(v)) {
            const keys = Object.keys(v);
            this.byte(T_OBJECT);
            this.uint(keys.length);
            for (const k of keys) {
              this.string(k);
              this.value((v as Record<string, unknown>)[k], depth + 1);
            }
            return;
          }
        }
    }
    // Everything else (symbols and functions too) is the structured clone's to accept or refuse.
    this.byte(T_CLONE);
    this.bytes(serialize(v));
  }
}

function isDense(a: unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (!(i in a)) return false;
  return Object.keys(a).length === a.length;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && Object.getOwnPropertySymbols(v).length === 0;
}

/** Reads what `ByteWriter` wrote; throws `RangeError` on bytes it did not write. */
export class ByteReader {
  private at = 0;
  private readonly view: Buffer;

  constructor(bytes: Uint8Array) {
    this.view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.at === this.view.length;
  }

  byte(): number {
    if (this.at >= this.view.length) throw new RangeError(`read past the end at byte ${this.at}`);
    return this.view[this.at++]!;
  }

  uint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
      if (scale > 2 ** 49) throw new RangeError(`a varint longer than 8 bytes at byte ${this.at}`);
    }
  }

  private span(n: number): Buffer {
    if (n > this.view.length - this.at) throw new RangeError(`${n} bytes claimed at byte ${this.at}, ${this.view.length - this.at} left`);
    const s = this.view.subarray(this.at, this.at + n);
    this.at += n;
    return s;
  }

  string(): string {
    const n = this.uint();
    return this.span(n).toString('utf8');
  }

  value(): unknown {
    const tag = this.byte();
    switch (tag) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT: {
        const z = this.uint();
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      case T_FLOAT: {
        const s = this.span(8);
        return s.readDoubleLE(0);
      }
      case T_STRING:
        return this.string();
      case T_ARRAY: {
        const n = this.uint();
        if (n > this.view.length - this.at) throw new RangeError(`an array of ${n} items in ${this.view.length - this.at} bytes`);
        const a: unknown[] = [];
        for (let i = 0; i < n; i++) a.push(this.value());
        return a;
      }
      case T_OBJECT: {
        const n = this.uint();
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.string();
          const v = this.value();
          // A key named __proto__ must be an own property, as the structured clone makes it.
          if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
          else o[k] = v;
        }
        return o;
      }
      case T_CLONE:
        return deserialize(this.span(this.uint()));
      default:
        throw new RangeError(`unknown value tag ${tag} at byte ${this.at - 1}`);
    }
  }
}
