import { canonicalJson } from '@faultline/runtime';
import { TraceHasher } from '../hash.ts';

/** A 64-bit hash of a list of texts (order matters). */
export function hashTexts(texts: readonly string[]): string {
  const h = new TraceHasher();
  for (const t of texts) h.update(t);
  return h.digest();
}

const digests = new WeakMap<object, string>();

/** A 64-bit hash of `canonicalJson(v)`, cached by identity for objects (a state's long text is hashed once). */
export function canonicalDigest(v: unknown): string {
  if (v === null || typeof v !== 'object') return hashTexts([canonicalJson(v)]);
  const hit = digests.get(v);
  if (hit !== undefined) return hit;
  const d = hashTexts([canonicalJson(v)]);
  digests.set(v, d);
  return d;
}
