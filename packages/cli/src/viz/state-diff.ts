/**
 * Node states stored as changes from the same node's previous state, so a page carries each
 * state's news rather than the whole state again (raft's log, a primary's store). The page
 * (diagram.js, `stateOf`) applies them back. A change is one of:
 * - `{ v: value }`: the value replaced whole;
 * - `{ o: { key: change }, x: [deleted keys] }`: an object with some keys changed;
 * - `{ n: length, s: { index: change } }`: an array resized to `n`, some elements changed
 *   (elements past the old end are `{ v }`).
 * Values are plain JSON data (see json-safe.ts).
 */
export type StateChange =
  | { readonly v: unknown }
  | { readonly o: Readonly<Record<string, StateChange>>; readonly x?: readonly string[] }
  | { readonly n: number; readonly s: Readonly<Record<number, StateChange>> };

/** A stored state: whole (`f`), or changes (`d`) from state number `p`. */
export type StoredState = { readonly f: unknown } | { readonly p: number; readonly d: StateChange };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The change that turns `a` into `b`, or undefined when they are equal. */
export function stateChange(a: unknown, b: unknown): StateChange | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    const s: Record<number, StateChange> = {};
    let changed = a.length !== b.length;
    b.forEach((item, k) => {
      const c = k < a.length ? stateChange(a[k], item) : { v: item };
      if (c !== undefined) {
        s[k] = c;
        changed = true;
      }
    });
    return changed ? { n: b.length, s } : undefined;
  }
  if (isObject(a) && isObject(b)) {
    const o: Record<string, StateChange> = {};
    for (const key of Object.keys(b)) {
      const c = key in a ? stateChange(a[key], b[key]) : { v: b[key] };
      if (c !== undefined) o[key] = c;
    }
    const x = Object.keys(a).filter((key) => !(key in b));
    if (Object.keys(o).length === 0 && x.length === 0) return undefined;
    return x.length > 0 ? { o, x } : { o };
  }
  return a === b ? undefined : { v: b };
}

/**
 * `states` (plain data) stored each as changes from `parents[k]`, the same node's previous
 * state (-1 for none, or when the whole state is smaller than its changes).
 */
export function storeStates(states: readonly unknown[], parents: readonly number[]): StoredState[] {
  return states.map((s, k) => {
    const p = parents[k] ?? -1;
    if (p < 0) return { f: s };
    const d = stateChange(states[p], s);
    return d !== undefined && JSON.stringify(d).length < JSON.stringify(s).length ? { p, d } : { f: s };
  });
}
