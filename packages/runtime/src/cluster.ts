import type { NodeId } from './ids.ts';

/** One node of a cluster. A node with `joinAtMs` starts late, knowing only `contacts`. */
export interface NodeSpec {
  readonly id: NodeId;
  readonly joinAtMs?: number;
  readonly contacts?: readonly NodeId[];
}

/** `n1`..`nN` for a cluster of `count` nodes. */
export function nodeIds(count: number): NodeId[] {
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}
