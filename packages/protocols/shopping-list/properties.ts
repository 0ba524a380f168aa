/**
 * The shopping list's properties are the collection's own, checked on each embedded
 * collection through a lens (its slice of the state, and what the list's requests did to
 * it): `needed:` and `pantry:` no-resurrection, removes-stick, acknowledged-adds-survive
 * and converges-within-bound, `needed:reads-see-replica-removes` over `has` and `list`, and
 * `pantry:reads-see-replica-adds` over `pantry` (nothing removes from the pantry, so a
 * replica that acknowledged a `bought` lists its item in every later `pantry` read).
 */
import { eventually, type Operation, type Property } from '@faultline/runtime';
import {
  acknowledgedAddsSurviveOf,
  batchTag,
  convergesWithinBoundOf,
  noResurrectionOf,
  readsSeeReplicaAddsOf,
  readsSeeReplicaRemovesOf,
  removesStickOf,
  type CollectionLens,
  type CollectionOp,
} from '../epidemic-collection/index.ts';
import type { Req, Res, State } from './messages.ts';

type Op = Operation<Req, Res>;

export const neededLens: CollectionLens<State, Req, Res> = {
  prefix: 'needed:',
  state: (s) => s.needed,
  added: (op) => (op.result?.type === 'needed' ? op.result.tags : []),
  removed: (op) => (op.result?.type === 'bought' || op.result?.type === 'checked-out' ? op.result.removed : []),
};

export const pantryLens: CollectionLens<State, Req, Res> = {
  prefix: 'pantry:',
  state: (s) => s.pantry,
  added: (op) => (op.result?.type === 'bought' ? [op.result.tag] : []),
  removed: () => [],
};

/** What a request is to `needed`, for the read property. */
export function neededOp(op: Op): CollectionOp | undefined {
  const { req, result: res } = op;
  switch (req.type) {
    case 'has':
      return { kind: 'read', present: res?.type === 'has' && res.present ? [req.item] : [] };
    case 'list':
      return { kind: 'read', present: res?.type === 'items' ? res.items : [] };
    case 'need':
      return { kind: 'add', adds: [[req.item, op.id]] };
    case 'recipe':
      return { kind: 'add', adds: req.items.map((e, i) => [e, batchTag(op.id, i)] as const) };
    case 'bought':
      return res?.type === 'bought' ? { kind: 'remove', elem: req.item, tags: res.removed } : undefined;
    case 'checkout':
      return res?.type === 'checked-out' ? { kind: 'remove', elem: null, tags: res.removed } : undefined;
    default:
      return undefined;
  }
}

export const neededReads: Property<State, Req, Res> = readsSeeReplicaRemovesOf('needed:', neededOp);

/** What a request is to the pantry, which nothing removes from: a `bought` adds its item (tagged with the request id), a `pantry` read lists. */
export function pantryOp(op: Op): CollectionOp | undefined {
  const { req, result: res } = op;
  if (req.type === 'pantry') return { kind: 'read', present: res?.type === 'items' ? res.items : [] };
  if (req.type === 'bought') return { kind: 'add', adds: [[req.item, op.id]] };
  return undefined;
}

export const pantryReads: Property<State, Req, Res> = readsSeeReplicaAddsOf('pantry:', pantryOp);

/** The answers each request may get (an `error` only for a batch too large: need, recipe and checkout are batches). */
const ANSWERS: Readonly<Record<Req['type'], readonly Res['type'][]>> = {
  need: ['needed', 'error'],
  recipe: ['needed', 'error'],
  checkout: ['checked-out', 'error'],
  bought: ['bought'],
  has: ['has'],
  list: ['items'],
  pantry: ['items'],
};

/**
 * Every answer is one its request gets: a `bought` is answered `bought` (with both halves'
 * tags), not with what one of its halves would answer alone. The lenses read tags from the
 * answers, so an answer of the wrong kind would go unchecked by them. Checked on the whole
 * history once the run is quiet (a wrong answer stays in it).
 */
export const answersFitRequests: Property<State, Req, Res> = eventually<State, Req, Res>('answers-fit-requests', 'every request is answered with an answer of its own kind', (view) => {
  const wrong = view.history.find((op) => op.status === 'ok' && op.result !== undefined && !ANSWERS[op.req.type].includes(op.result.type));
  return wrong === undefined || `${wrong.req.type} ${wrong.id} answered ${wrong.result!.type} by ${wrong.node}`;
});

export function properties(): Property<State, Req, Res>[] {
  const of = (lens: CollectionLens<State, Req, Res>) => [noResurrectionOf(lens), removesStickOf(lens), acknowledgedAddsSurviveOf(lens), convergesWithinBoundOf(lens)];
  return [answersFitRequests, ...of(neededLens), neededReads, ...of(pantryLens), pantryReads];
}
