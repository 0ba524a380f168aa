import { defineProtocol } from '@faultline/runtime';
import { BUGS as COLLECTION_BUGS, CLIENT_TAIL_MS, CONVERGENCE_MS } from '../epidemic-collection/index.ts';
import type { Req, Res, State } from './messages.ts';
import { properties } from './properties.ts';
import { COLLECTION_BUG, ShoppingList } from './service.ts';
import { workload } from './workload.ts';

export { ShoppingList, COLLECTION_BUG, MAX_MOVES } from './service.ts';
export type { Req, Res, Msg, State, Timer, ListName, Move } from './messages.ts';
export { properties, answersFitRequests, neededLens, pantryLens, neededOp, neededReads, pantryOp, pantryReads } from './properties.ts';
export { workload, ITEMS } from './workload.ts';

export const BUGS: Record<string, string> = {
  'has-reads-pantry': '`has` looks in the pantry instead of the needed list, so an item a replica took a `bought` of still reads as needed there',
  ...Object.fromEntries(Object.entries(COLLECTION_BUGS).map(([name, d]) => [`${COLLECTION_BUG}${name}`, `the epidemic collection's bug, in both embedded collections: ${d}`])),
};

/**
 * A shared shopping list: a host service keeping its state in two embedded
 * `TempestCollection`s (service.ts). The quiet period is the collection's own (its client
 * tail and convergence bound: the list uses the collection's timeouts, retries and node
 * count, and each collection gossips on its own timer).
 */
export const shoppingList = defineProtocol<State, Req, Res>({
  name: 'shopping-list',
  description:
    'a shared shopping list (need, recipe, bought, checkout, has, list, pantry) kept in two embedded TempestCollections (needed, pantry), ' +
    'which the epidemic collection replicates for it: level eventual, reads local',
  create({ bug }) {
    if (bug !== undefined && !(bug in BUGS)) throw new Error(`shopping-list has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    return new ShoppingList(bug);
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties: properties(),
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew'],
  nodes: 3,
  minNodes: 2,
  workload,
  durationMs: 10_000,
  quietMs: CLIENT_TAIL_MS + CONVERGENCE_MS,
  ken: true,
});

export default shoppingList;
