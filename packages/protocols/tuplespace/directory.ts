/**
 * The partition directory: which interval of the key space each partition holds, and its
 * replica group. A tuple's key is the hash of its first field (tuples.ts), a number in
 * `[0, KEYS)`; every partition holds one interval `[lo, hi)` of it (an empty one, `lo ===
 * hi`, once it has been merged into a neighbour). A partition's own entry comes from its
 * committed log; the others' are learnt by gossip, each stamped with a version (the
 * length of its own log at the entry that made it), so of two descriptions of one
 * partition the higher version is the newer, whether its group grew or shrank.
 */
import type { NodeId } from '@faultline/runtime';
import { groupsOf } from './tuples.ts';

/** The size of the key space: keys are 32-bit hashes. */
export const KEYS = 2 ** 32;

/** A partition's name: the founders' are `0`, `1`, ...; a range split off partition `p` by the entry at log index `i` is `p/i`. */
export type PartitionId = string;

export interface Part {
  /** The key interval `[lo, hi)` (empty once merged away). */
  lo: number;
  hi: number;
  group: NodeId[];
  /** The partition's log length at the entry this description comes from (1: its start entry). */
  version: number;
}

export type Directory = Record<PartitionId, Part>;

/** The founders, cut in order into groups of `GROUP_SIZE`, hold equal intervals of the key space, in order. */
export function initialDirectory(founders: readonly NodeId[]): Directory {
  const groups = groupsOf(founders);
  const dir: Directory = {};
  groups.forEach((group, i) => {
    dir[String(i)] = { lo: Math.floor((i * KEYS) / groups.length), hi: Math.floor(((i + 1) * KEYS) / groups.length), group, version: 1 };
  });
  return dir;
}

/** A partition that holds `key` as `dir` says (the lowest id if stale entries overlap), other than `except`. */
export function ownerOf(dir: Readonly<Directory>, key: number, except?: PartitionId): PartitionId | undefined {
  return Object.keys(dir)
    .sort()
    .find((id) => id !== except && dir[id]!.lo <= key && key < dir[id]!.hi);
}

/** Takes every description in `other` that is newer than this node's, except of its own partition (which its log decides). */
export function learnDirectory(dir: Directory, other: Readonly<Directory>, own: PartitionId): void {
  for (const id of Object.keys(other).sort()) {
    const p = other[id]!;
    if (id !== own && p.version > (dir[id]?.version ?? -1)) dir[id] = copyPart(p);
  }
}

/** The live partition (non-empty interval) with the fewest replicas, the lowest id among equals. */
export function smallestPart(dir: Readonly<Directory>): PartitionId | undefined {
  let best: PartitionId | undefined;
  for (const id of Object.keys(dir).sort()) {
    const p = dir[id]!;
    if (p.lo < p.hi && (best === undefined || p.group.length < dir[best]!.group.length)) best = id;
  }
  return best;
}

/** A live partition whose interval borders `[lo, hi)` (the one below first), so that the two together are one interval. */
export function neighbourOf(dir: Readonly<Directory>, id: PartitionId, lo: number, hi: number): PartitionId | undefined {
  const live = Object.keys(dir)
    .sort()
    .filter((other) => other !== id && dir[other]!.lo < dir[other]!.hi);
  return live.find((other) => dir[other]!.hi === lo) ?? live.find((other) => dir[other]!.lo === hi);
}

/** A plain copy of a directory (for a message, or read through a draft). */
export function copyDirectory(dir: Readonly<Directory>): Directory {
  const out: Directory = {};
  for (const id of Object.keys(dir).sort()) out[id] = copyPart(dir[id]!);
  return out;
}

function copyPart(p: Readonly<Part>): Part {
  return { lo: p.lo, hi: p.hi, group: [...p.group], version: p.version };
}
