const cache = new WeakMap<object, string>();

/**
 * A value as JSON with object keys sorted and Maps and Sets written as sorted entries, so
 * that two equal states give the same text however they were built. Objects are cached
 * by identity: node states are immutable (immer), so an unchanged state is never
 * written twice.
 */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? `"${String(v)}n"` : JSON.stringify(v);
  const hit = cache.get(v);
  if (hit !== undefined) return hit;
  let out: string;
  if (Array.isArray(v)) out = `[${v.map(canonicalJson).join(',')}]`;
  else if (Object.getPrototypeOf(v) === Object.prototype) out = plainObject(v as Record<string, unknown>);
  else if (v instanceof Map) out = `{"$map":[${[...v.entries()].map(([k, x]) => `[${canonicalJson(k)},${canonicalJson(x)}]`).sort().join(',')}]}`;
  else if (v instanceof Set) out = `{"$set":[${[...v].map(canonicalJson).sort().join(',')}]}`;
  else out = plainObject(v as Record<string, unknown>);
  cache.set(v, out);
  return out;
}

function plainObject(o: Record<string, unknown>): string {
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}
