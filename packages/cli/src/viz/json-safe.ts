/**
 * A JSON.stringify replacer for protocol values: a BigInt becomes "123n", a Map an object
 * (or a list of [key, value] pairs when a key is not a string), a Set a list. The result
 * parses back to plain data, which is what a page or a test compares.
 */
export function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Map) {
    const entries = [...value.entries()];
    return entries.every(([k]) => typeof k === 'string') ? Object.fromEntries(entries) : entries;
  }
  if (value instanceof Set) return [...value];
  return value;
}

/** `value` as plain JSON data (see jsonSafe). */
export function toPlain(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value, jsonSafe)) as unknown;
}
