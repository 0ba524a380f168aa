/**
 * A reader for EDN (extensible data notation, Clojure's data syntax, in which Jepsen
 * writes histories): nil, true/false, numbers (integers, with an N or M suffix, ratios,
 * floats), strings, characters, keywords, symbols, lists, vectors, maps, sets, tagged
 * elements (`#inst "..."`, `#jepsen.history.Op{...}`: the tag is kept beside the value),
 * `#_` discards, `;` comments and commas as whitespace. Written for histories, not for
 * every corner of the format: no metadata (`^`), no reader conditionals.
 */

export class Keyword {
  constructor(readonly name: string) {}
  toString(): string {
    return `:${this.name}`;
  }
}

export class EdnSymbol {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

export class EdnMap {
  constructor(
    readonly entries: readonly (readonly [EdnValue, EdnValue])[],
    /** The line its `{` is on. */
    readonly line = 0,
  ) {}
  /** The value under the keyword `:name`, or undefined. */
  get(name: string): EdnValue | undefined {
    for (const [k, v] of this.entries) if (k instanceof Keyword && k.name === name) return v;
    return undefined;
  }
}

export class EdnSet {
  constructor(readonly items: readonly EdnValue[]) {}
}

export class Tagged {
  constructor(
    readonly tag: string,
    readonly value: EdnValue,
  ) {}
}

export type EdnValue = null | boolean | number | string | Keyword | EdnSymbol | EdnValue[] | EdnMap | EdnSet | Tagged;

/** A syntax error, with the 1-based line and column where it was found. */
export class EdnError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'EdnError';
  }
}

/** One top-level form and the line it starts on. */
export interface EdnForm {
  readonly value: EdnValue;
  readonly line: number;
}

const DELIMITERS = new Set(['(', ')', '[', ']', '{', '}', '"', ';']);
const CHAR_NAMES: Readonly<Record<string, string>> = { newline: '\n', space: ' ', tab: '\t', return: '\r', backspace: '\b', formfeed: '\f' };
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\' };

/** Every top-level form of `text`, in order. */
export function readEdn(text: string): EdnForm[] {
  return new Reader(text).all();
}

class Reader {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  all(): EdnForm[] {
    const forms: EdnForm[] = [];
    for (;;) {
      this.skip();
      if (this.pos >= this.text.length) return forms;
      const line = this.line;
      const value = this.form();
      if (value !== DISCARDED) forms.push({ value, line });
    }
  }

  private fail(reason: string, at = this.pos): never {
    throw new EdnError(reason, this.line, at - this.lineStart + 1);
  }

  /** Skips whitespace, commas and comments, counting lines. */
  private skip(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '\n') {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === ',') this.pos++;
      else if (c === ';') while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      else return;
    }
  }

  private form(): EdnValue | typeof DISCARDED {
    const t = this.text;
    const c = t[this.pos]!;
    switch (c) {
      case '(':
        return this.sequence(')');
      case '[':
        return this.sequence(']');
      case '{':
        return this.map();
      case ')':
      case ']':
      case '}':
        return this.fail(`unexpected '${c}'`);
      case '"':
        return this.string();
      case '\\':
        return this.char();
      case '#':
        return this.dispatch();
      default:
        return this.atom();
    }
  }

  /** Forms up to `close`; a discarded form leaves no trace. */
  private items(close: string, opened: string): EdnValue[] {
    const start = this.pos;
    const line = this.line;
    this.pos++;
    const out: EdnValue[] = [];
    for (;;) {
      this.skip();
      if (this.pos >= this.text.length) throw new EdnError(`'${opened}' opened here is never closed`, line, start - this.lineStart + 1);
      if (this.text[this.pos] === close) {
        this.pos++;
        return out;
      }
      const v = this.form();
      if (v !== DISCARDED) out.push(v);
    }
  }

  private sequence(close: string): EdnValue[] {
    return this.items(close, close === ')' ? '(' : '[');
  }

  private map(): EdnMap {
    const at = this.pos;
    const line = this.line;
    const items = this.items('}', '{');
    if (items.length % 2 !== 0) this.fail('a map needs an even number of forms (key value pairs)', at);
    const entries: [EdnValue, EdnValue][] = [];
    for (let i = 0; i < items.length; i += 2) entries.push([items[i]!, items[i + 1]!]);
    return new EdnMap(entries, line);
  }

  private string(): string {
    const t = this.text;
    const start = this.pos;
    const line = this.line;
    this.pos++;
    let out = '';
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        const e = t[this.pos + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) {
          out += String.fromCharCode(parseInt(t.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
          continue;
        }
        const r = e === undefined ? undefined : ESCAPES[e];
        if (r === undefined) this.fail(`unknown escape '\\${e ?? ''}' in a string`);
        out += r;
        this.pos += 2;
        continue;
      }
      if (c === '\n') {
        this.line++;
        this.lineStart = this.pos + 1;
      }
      out += c;
      this.pos++;
    }
    throw new EdnError('a string opened here is never closed', line, start - this.lineStart + 1);
  }

  private char(): string {
    this.pos++;
    const token = this.token();
    if (token.length === 0) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('a character literal needs a character');
      this.pos++;
      return c;
    }
    if (token.length === 1) return token;
    const named = CHAR_NAMES[token];
    if (named !== undefined) return named;
    if (/^u[0-9a-fA-F]{4}$/.test(token)) return String.fromCharCode(parseInt(token.slice(1), 16));
    return this.fail(`unknown character literal '\\${token}'`, this.pos - token.length - 1);
  }

  private dispatch(): EdnValue | typeof DISCARDED {
    const next = this.text[this.pos + 1];
    if (next === '{') {
      this.pos++;
      return new EdnSet(this.items('}', '#{'));
    }
    if (next === '_') {
      this.pos += 2;
      this.skip();
      if (this.pos >= this.text.length) this.fail('#_ needs a form to discard');
      this.form();
      return DISCARDED;
    }
    const at = this.pos;
    this.pos++;
    const tag = this.token();
    if (!/^[A-Za-z]/.test(tag)) this.fail(`unknown dispatch '#${tag || (next ?? '')}'`, at);
    this.skip();
    if (this.pos >= this.text.length) this.fail(`the tag #${tag} needs a value`, at);
    const value = this.form();
    if (value === DISCARDED) this.fail(`the tag #${tag} needs a value`, at);
    return new Tagged(tag, value);
  }

  /** Characters up to the next whitespace or delimiter. */
  private token(): string {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || DELIMITERS.has(c)) break;
      this.pos++;
    }
    return t.slice(start, this.pos);
  }

  private atom(): EdnValue {
    const at = this.pos;
    const token = this.token();
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token.startsWith(':')) {
      if (token.length === 1) this.fail("a keyword needs a name after ':'", at);
      return new Keyword(token.slice(1));
    }
    if (/^[+-]?\d/.test(token)) return this.number(token, at);
    return new EdnSymbol(token);
  }

  private number(token: string, at: number): number {
    const ratio = /^([+-]?\d+)\/(\d+)$/.exec(token);
    if (ratio) return Number(ratio[1]) / Number(ratio[2]);
    const body = token.replace(/[NM]$/, '');
    if (!/^[+-]?(\d+(\.\d*)?([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)$/.test(body)) this.fail(`not a number: '${token}'`, at);
    return body.includes('x') || body.includes('X') ? (body.startsWith('-') ? -Number(body.slice(1)) : Number(body.replace(/^\+/, ''))) : Number(body);
  }
}

const DISCARDED: unique symbol = Symbol('discarded');

/**
 * An EDN value as plain JSON-like data: keywords and symbols become their names,
 * sets and lists arrays, maps objects keyed by their keys' plain text, tagged elements
 * their value.
 */
export function toPlain(v: EdnValue): unknown {
  if (v instanceof Keyword || v instanceof EdnSymbol) return v.name;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof EdnSet) return v.items.map(toPlain);
  if (v instanceof Tagged) return toPlain(v.value);
  if (v instanceof EdnMap) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v.entries) {
      const key = toPlain(k);
      out[typeof key === 'string' ? key : JSON.stringify(key)] = toPlain(x);
    }
    return out;
  }
  return v;
}
