import type { CheckModel, ClientRequest, InFlight, ModelNode, ModelState, Response } from './check-model.ts';

/**
 * Symmetry reduction over nodes the user declares interchangeable: a state and its image
 * under a permutation of those nodes' ids count as one state. A state's hash becomes the
 * least hash of its images, each image renaming the ids wherever they appear as a whole
 * string (node ids, message links, string values and object keys in node states,
 * messages, requests and replies; Map keys and Set members too), and moving each node to
 * its new id's place. The search still keeps and reports real states and paths.
 *
 * A group may instead name clients (`c1,c2,c3`): a client's image is another client, its
 * operation (`c1:1`) the other's, wherever they appear (the history's entries move to the
 * renamed operation's place). Each operation keeps its request, so clients with different
 * requests may be alike; but a renaming must map each client's target node to the
 * renamed client's (its retries go there): with no node group, the clients of a group
 * must all send to one node, and only renamings of nodes and clients that agree are kept.
 *
 * It is sound only for what the user declares: the protocol must treat the nodes alike
 * (its handlers, start times and properties commute with renaming them). Ids built into
 * longer strings (`'to-n2'`) or orderings of ids (`n2 < n3`) break that, and so does
 * randomness: a node's random stream is seeded by its id. Nothing here checks it.
 */
export const MAX_PERMUTATIONS = 720;

type Renaming = ReadonlyMap<string, string>;

export class Symmetry {
  /** Every renaming the groups allow, the identity first. */
  readonly renamings: readonly Renaming[];
  private readonly nodes = new WeakMap<ModelNode, ModelNode[]>();
  private readonly msgs = new WeakMap<InFlight, InFlight[]>();

  constructor(
    private readonly model: CheckModel,
    groups: readonly (readonly string[])[],
  ) {
    const initial = model.initial().state;
    /** Each client's operation and the node it sends to. */
    const clients = new Map(initial.reqs.map((q) => [q.client, { op: q.op, node: q.node }] as const));
    const used = new Set<string>();
    for (const g of groups) {
      const kind = clients.has(g[0]!) ? 'client' : 'node';
      if (g.length < 2) throw new RangeError(`a symmetric group needs at least 2 ${kind}s, not [${g.join(', ')}]`);
      for (const id of g) {
        if (kind === 'node' && !model.nodeIds.includes(id))
          throw new RangeError(`symmetric node '${id}' is not a node of ${model.options.protocol.name} (its nodes: ${model.nodeIds.join(', ')}; its clients: ${[...clients.keys()].join(', ') || 'none'})`);
        if (kind === 'client' && !clients.has(id)) throw new RangeError(`'${id}' is not one of the check's clients (${[...clients.keys()].join(', ')}), and a group is of nodes or of clients`);
        if (used.has(id)) throw new RangeError(`'${id}' is in two symmetric groups`);
        used.add(id);
      }
    }
    let renamings: Map<string, string>[] = [new Map()];
    for (const g of groups) {
      const pairs = (p: readonly string[]) => g.flatMap((id, i) => [[id, p[i]!] as const, ...(clients.has(id) ? [[clients.get(id)!.op, clients.get(p[i]!)!.op] as const] : [])]);
      renamings = renamings.flatMap((r) => permutations(g).map((p) => new Map([...r, ...pairs(p)])));
      if (renamings.length > MAX_PERMUTATIONS) throw new RangeError(`the symmetric groups allow more than ${MAX_PERMUTATIONS} renamings; at most ${MAX_PERMUTATIONS} are tried`);
    }
    // A client's retries go to its target: a renaming must carry each client's target to the renamed client's.
    const agrees = (r: Renaming) => [...clients].every(([c, { node }]) => clients.get(rename(c, r))!.node === rename(node, r));
    this.renamings = renamings.filter(agrees);
    for (const g of groups)
      if (clients.has(g[0]!) && this.renamings.every((r) => g.every((c) => rename(c, r) === c)))
        throw new RangeError(`clients ${g.join(', ')} send to different nodes (${g.map((c) => clients.get(c)!.node).join(', ')}): they are alike only with a symmetric group of those nodes too`);
  }

  /** The least hash of `s`'s images: one for every state of its orbit. */
  hash(s: ModelState): string {
    let best = this.model.hash(s);
    for (let k = 1; k < this.renamings.length; k++) {
      const h = this.model.hash(this.image(s, k));
      if (h < best) best = h;
    }
    return best;
  }

  /** `s` with its ids renamed by renaming `k`; unchanged parts keep their renamed copies (and so their cached hashes). */
  image(s: ModelState, k: number): ModelState {
    const r = this.renamings[k]!;
    const nodes = s.nodes.slice();
    for (const n of s.nodes) nodes[this.model.nodeIds.indexOf(rename(n.id, r))] = this.memo(this.nodes, n, k, () => renameNode(n, r));
    const msgs = s.msgs.map((m) => this.memo(this.msgs, m, k, () => ({ ...m, from: rename(m.from, r), to: rename(m.to, r), msg: deep(m.msg, r) })));
    const reqs = s.reqs.map((q): ClientRequest => ({ ...q, op: rename(q.op, r), client: rename(q.client, r), node: rename(q.node, r), req: deep(q.req, r) }));
    const resps = s.resps.map((q): Response => ({ ...q, op: rename(q.op, r), node: rename(q.node, r), result: deep(q.result, r) }));
    // The history is hashed by place: a renamed operation goes to its new id's place.
    const ops = s.ops.slice();
    const place = new Map(s.ops.map((o, i) => [o.id, i]));
    for (const op of s.ops) {
      const id = rename(op.id, r);
      const moved = id === op.id ? op : { ...op, id, client: rename(op.client, r) };
      ops[place.get(id)!] = moved.status === 'pending' ? moved : { ...moved, result: deep(op.result, r) };
    }
    return { ...s, nodes, msgs, reqs, resps, ops };
  }

  private memo<T extends object>(cache: WeakMap<T, T[]>, x: T, k: number, make: () => T): T {
    let images = cache.get(x);
    if (images === undefined) cache.set(x, (images = []));
    return (images[k] ??= make());
  }
}

function renameNode(n: ModelNode, r: Renaming): ModelNode {
  const timers = n.timers.map((t) => ({ ...t, tag: rename(t.tag, r) })).sort((x, y) => (x.tag < y.tag ? -1 : 1));
  return { ...n, id: rename(n.id, r), state: deep(n.state, r), timers };
}

const rename = (id: string, r: Renaming): string => r.get(id) ?? id;

/** `v` with every string that is a renamed id replaced, in values, keys, Maps and Sets. */
function deep(v: unknown, r: Renaming): unknown {
  if (typeof v === 'string') return rename(v, r);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => deep(x, r));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [deep(k, r), deep(x, r)]));
  if (v instanceof Set) return new Set([...v].map((x) => deep(x, r)));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[rename(k, r)] = deep(x, r);
  return out;
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}
