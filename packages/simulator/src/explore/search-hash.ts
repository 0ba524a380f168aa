import type { CheckModel, ModelState } from './check-model.ts';
import { Symmetry } from './symmetry.ts';

/**
 * The name the search's visited store knows a state by: its 64-bit hash, or with symmetry
 * (see symmetry.ts) the least hash of its images, one name for a whole orbit. Shards and
 * the plan (search-plan.ts) must name states alike, so every one of them builds it from the
 * same options.
 */
export interface SearchHash {
  /** The state's name into `out` (high word first). */
  lanes(s: ModelState, out: Uint32Array): Uint32Array;
  /** Whether states of one orbit are told apart for the sleep sets (symmetry: a state reached again as another image wakes every step). */
  readonly symmetric: boolean;
}

export function searchHash(model: CheckModel, symmetric: readonly (readonly string[])[] | undefined): SearchHash {
  if (symmetric === undefined || symmetric.length === 0) return { lanes: (s, out) => model.hashLanes(s, out), symmetric: false };
  const symmetry = new Symmetry(model, symmetric);
  return {
    // The orbit's least hash, as 16 hex digits: its two words, read back.
    lanes: (s, out) => {
      const h = symmetry.hash(s);
      out[0] = Number.parseInt(h.slice(0, 8), 16);
      out[1] = Number.parseInt(h.slice(8), 16);
      return out;
    },
    symmetric: true,
  };
}
