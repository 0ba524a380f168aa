import { fnv1a, type NodeId } from '@faultline/runtime';
import { GROUP_SIZE } from './config.ts';

export type Field = string | number;
/** A tuple: its first field (a string) decides its partition. */
export type Tuple = readonly [string, ...Field[]];
/** A template: an exact first field, then exact fields or `null` wildcards. */
export type Template = readonly [string, ...(Field | null)[]];

export function matches(template: readonly (Field | null)[], tuple: readonly Field[]): boolean {
  if (template.length !== tuple.length) return false;
  for (let i = 0; i < template.length; i++) {
    const f = template[i];
    if (f !== null && f !== tuple[i]) return false;
  }
  return true;
}

/**
 * FNV-1a, 32 bits, over the UTF-16 code units, then MurmurHash3's finalizer (FNV's low bits
 * alone are poorly mixed: its last bit is the parity of the characters' last bits). The
 * same on every node and every platform.
 */
export function hash(text: string): number {
  let h = fnv1a(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The replica groups: the cluster, in order, cut into groups of `GROUP_SIZE` (a short last group joins the one before). */
export function groupsOf(cluster: readonly NodeId[]): NodeId[][] {
  const count = Math.max(1, Math.floor(cluster.length / GROUP_SIZE));
  const groups: NodeId[][] = Array.from({ length: count }, () => []);
  cluster.forEach((id, i) => groups[Math.min(count - 1, Math.floor(i / GROUP_SIZE))]!.push(id));
  return groups;
}

/** The key of a tuple or template: the hash of its first field, in `[0, KEYS)` (directory.ts says which partition holds it). */
export function keyOf(first: string): number {
  return hash(first);
}

/** A plain copy of a tuple read through a draft (a reply or message must not hold a draft). */
export function copy(t: readonly Field[]): Tuple {
  return [...t] as unknown as Tuple;
}
