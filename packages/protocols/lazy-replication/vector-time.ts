/**
 * Vector timestamps: per replica incarnation (`n2.8841`), how many updates it has
 * originated that are included. A restarted replica is a new incarnation with its own
 * entry, so the updates it lost are never taken as covered by the ones it makes anew.
 */
export type VectorTime = Readonly<Record<string, number>>;

/** Whether `a` includes everything `b` does (a >= b entrywise). */
export function dominates(a: VectorTime, b: VectorTime): boolean {
  for (const id in b) if ((a[id] ?? 0) < b[id]!) return false;
  return true;
}

/** The entrywise maximum, with entries in sorted order (so equal timestamps print the same). */
export function join(a: VectorTime, b: VectorTime): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) out[id] = Math.max(a[id] ?? 0, b[id] ?? 0);
  return out;
}

/** The sum of the entries: strictly larger for an update that causally follows another. */
export function weight(t: VectorTime): number {
  let sum = 0;
  for (const id in t) sum += t[id]!;
  return sum;
}
