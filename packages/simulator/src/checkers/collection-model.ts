import type { Model } from './model.ts';

/**
 * Requests of a collection with removes (Tempest's, epidemic-collection's), one element
 * at a time (the checker partitions by `elem`). Other requests (size, iterate) have no
 * element: a check by element leaves them out.
 */
export type CollectionReq =
  | { readonly type: 'add' | 'remove' | 'get'; readonly elem: string }
  | { readonly type: 'size' | 'iterate'; readonly elem?: undefined };

/**
 * Results: an add's `added`, a remove's `tags` (the adds it removed: none when the
 * element was absent) and a get's `present`. Matches epidemic-collection's Res.
 */
export type CollectionRes =
  | { readonly type: 'added' }
  | { readonly type: 'removed'; readonly tags: readonly unknown[] }
  | { readonly type: 'got'; readonly present: boolean }
  | { readonly type: 'size' | 'elements' };

/** One element: present or not. */
export type CollectionState = boolean;

/**
 * A collection, one element at a time: an add makes the element present, a remove makes
 * it absent and tells whether it was present (it removed some add), a get tells whether
 * it is present.
 */
export const collectionModel: Model<CollectionState, CollectionReq, CollectionRes> = {
  init: () => false,
  step(state, req) {
    switch (req.type) {
      case 'add':
        return { state: true, result: { type: 'added' } };
      case 'remove':
        return { state: false, result: { type: 'removed', tags: state ? [true] : [] } };
      case 'get':
        return { state, result: { type: 'got', present: state } };
      default:
        throw new Error(`collection model: '${req.type}' has no element; only add, remove and get are checked, by element`);
    }
  },
  equalResults(model, actual) {
    if (actual === undefined || actual === null) throw new Error('collection model: an operation completed (status ok) with no result');
    if (model.type !== actual.type) return false;
    if (model.type === 'removed') return wasPresent(model) === wasPresent(actual);
    if (model.type === 'got') return model.present === (actual as { present?: unknown }).present;
    return true;
  },
  equalStates: (a, b) => a === b,
  key: (req) => req.elem,
  describe(req, result) {
    const call = `${req.type} ${req.elem ?? ''}`.trimEnd();
    if (result === undefined) return call;
    if (result.type === 'removed') return `${call} -> ${wasPresent(result) ? 'was present' : 'was absent'}`;
    if (result.type === 'got') return `${call} -> ${result.present ? 'present' : 'absent'}`;
    return `${call} -> ${result.type}`;
  },
};

function wasPresent(res: CollectionRes): boolean {
  return (((res as { tags?: readonly unknown[] }).tags ?? []).length) > 0;
}
