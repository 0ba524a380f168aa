/**
 * FNV-1a, 32 bits, of a string's UTF-16 code units: a small, fast, stable hash for
 * partitioning and digests (the same on every machine and Node version). Not for
 * adversarial input.
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
