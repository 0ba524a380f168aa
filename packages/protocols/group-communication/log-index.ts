import type { History, NodeId, SystemView } from '@faultline/runtime';
import { applyOp, deliversTo, groupsOf } from './groups.ts';
import type { Member, Req, Res } from './messages.ts';
import type { Delivery, State } from './state.ts';

/**
 * The nodes' delivery streams, read incrementally: properties run after every simulated
 * event, so each node's log is read only from where it was read last time (a log is
 * append-only within an incarnation, positions counted from its start although its state
 * keeps only a recent window; a new incarnation is read from the start). What one
 * incarnation delivered stays on record after it crashes, so a later delivery is also
 * compared with what crashed nodes delivered. The index is kept per run (per history
 * array) and records the first violation of each property.
 */
export interface RunIndex {
  readonly nodes: Map<NodeId, NodeIndex>;
  /** Per view, the longest regular delivery sequence seen: every member's must be a prefix of it. */
  readonly regular: Map<string, string[]>;
  /** Per transition `V->W`, what the first node to make it delivered in V (in order), and who. */
  readonly transitions: Map<string, { node: NodeId; ids: string[] }>;
  /** Per view, its members and groups as the first node to install it saw them. */
  readonly views: Map<string, { node: NodeId; members: string; groups: string }>;
  /** Per view, the message each node delivered to its application at each position (gseq). */
  readonly positions: Map<string, Map<number, string>>;
  readonly violations: Map<Property, string>;
}

export type Property =
  | 'agreed-order'
  | 'fifo'
  | 'causal-order'
  | 'virtual-synchrony'
  | 'safe-delivery'
  | 'no-duplicates'
  | 'view-agreement'
  | 'group-delivery'
  | 'group-membership'
  | 'group-order';

interface NodeIndex {
  inc: number;
  log: readonly Delivery[] | null;
  seen: number;
  /** Every message delivered, with the view it was delivered in. */
  readonly delivered: Map<string, string>;
  /** Per sender incarnation, its last message delivered here. */
  readonly lastBySender: Map<string, { n: number; view: string; trans: boolean }>;
  view: string | null;
  members: readonly Member[];
  inView: string[];
  regularCount: number;
  /** Every position of the view's order up to here has been delivered (`ahead`: those delivered past it). */
  upTo: number;
  ahead: Set<number>;
  /** The view's groups, replayed from its table and the joins and leaves delivered since. */
  groups: Record<string, NodeId[]>;
  /** The last position delivered to the application in the view (Infinity once an appended message was). */
  lastApp: number;
}

function freshNode(inc: number): NodeIndex {
  return {
    inc,
    log: null,
    seen: 0,
    delivered: new Map(),
    lastBySender: new Map(),
    view: null,
    members: [],
    inView: [],
    regularCount: 0,
    upTo: 0,
    ahead: new Set(),
    groups: {},
    lastApp: 0,
  };
}

type View = SystemView<State, Req, Res>;

const runs = new WeakMap<History<Req, Res>, RunIndex>();

export function indexRun(view: View): RunIndex {
  let run = runs.get(view.history);
  if (run === undefined) {
    run = { nodes: new Map(), regular: new Map(), transitions: new Map(), views: new Map(), positions: new Map(), violations: new Map() };
    runs.set(view.history, run);
  }
  const safeChecks: { node: NodeId; id: string; view: string; members: readonly Member[] }[] = [];
  for (const n of view.nodes) {
    const s = n.state;
    if (!n.up || s === undefined) continue;
    let idx = run.nodes.get(n.id);
    const end = s.logBase + s.log.length;
    if (idx === undefined || idx.inc !== s.incarnation || end < idx.seen) {
      idx = freshNode(s.incarnation);
      run.nodes.set(n.id, idx);
    }
    if (idx.log === s.log) continue;
    idx.log = s.log;
    if (idx.seen < s.logBase)
      throw new Error(`group-communication: ${n.id} dropped delivery entries ${idx.seen}..${s.logBase - 1} before they were checked (LIMITS.logWindow is too small for one turn)`);
    for (; idx.seen < end; idx.seen++) readEntry(run, n.id, idx, s.log[idx.seen - s.logBase]!, safeChecks);
  }
  for (const c of safeChecks) checkSafe(run, view, c.node, c.id, c.view, c.members);
  return run;
}

function fail(run: RunIndex, p: Property, message: string): void {
  if (!run.violations.has(p)) run.violations.set(p, message);
}

function readEntry(
  run: RunIndex,
  node: NodeId,
  idx: NodeIndex,
  e: Delivery,
  safeChecks: { node: NodeId; id: string; view: string; members: readonly Member[] }[],
): void {
  switch (e.k) {
    case 'view': {
      const members = e.members.map((m) => `${m.node}#${m.inc}`).join(',');
      const groups = JSON.stringify(e.groups);
      const known = run.views.get(e.view);
      if (known === undefined) run.views.set(e.view, { node, members, groups });
      else if (known.members !== members)
        fail(run, 'view-agreement', `view ${e.view} has members [${known.members}] at ${known.node} but [${members}] at ${node}`);
      else if (known.groups !== groups)
        fail(run, 'view-agreement', `view ${e.view} starts with groups ${known.groups} at ${known.node} but ${groups} at ${node}`);
      const before = idx.view === null ? [] : groupsOf(idx.groups, node);
      const after = groupsOf(e.groups, node);
      if (before.join() !== after.join())
        fail(run, 'group-membership', `${node} was in groups [${before.join(', ')}] ${idx.view === null ? 'as a new incarnation' : `at the end of view ${idx.view}`} but is in [${after.join(', ')}] in view ${e.view}`);
      if (idx.view !== null) closeView(run, node, idx, e.view);
      idx.view = e.view;
      idx.members = e.members;
      idx.inView = [];
      idx.regularCount = 0;
      idx.upTo = 0;
      idx.ahead = new Set();
      idx.groups = Object.fromEntries(Object.entries(e.groups).map(([g, ms]) => [g, [...ms]]));
      idx.lastApp = 0;
      return;
    }
    case 'trans':
      return;
    case 'msg': {
      const where = idx.delivered.get(e.id);
      if (where !== undefined) fail(run, 'no-duplicates', `${node} delivered ${e.id} twice (in view ${where} and in view ${e.view})`);
      idx.delivered.set(e.id, e.view);
      const senderKey = `${e.sender}#${e.inc}`;
      const last = idx.lastBySender.get(senderKey);
      if (last !== undefined && e.n <= last.n) {
        fail(run, 'fifo', `${node} delivered message ${e.n} of ${senderKey} after its message ${last.n}`);
      } else if (last !== undefined && last.view === e.view && !last.trans && !e.trans && e.n !== last.n + 1) {
        fail(run, 'fifo', `${node} delivered messages ${last.n} then ${e.n} of ${senderKey} in view ${e.view}, skipping those between`);
      }
      idx.lastBySender.set(senderKey, { n: e.n, view: e.view, trans: e.trans });
      if (e.seen > idx.upTo)
        fail(run, 'causal-order', `${node} delivered ${e.id} (causal) in view ${e.view} before position ${idx.upTo + 1}, which its sender had delivered before sending it`);
      if (e.gseq !== null) {
        idx.ahead.add(e.gseq);
        while (idx.ahead.delete(idx.upTo + 1)) idx.upTo++;
      }
      const to = deliversTo(idx.groups, e, node);
      if (e.to !== to)
        fail(run, 'group-delivery', `${node} ${e.to ? 'delivered' : 'did not deliver'} ${e.id} (${e.op} to ${e.groups.join(', ')}) to its application in view ${e.view}, but it was ${to ? '' : 'not '}a member then`);
      if (e.to) readAppDelivery(run, node, idx, e);
      applyOp(idx.groups, e);
      idx.inView.push(e.id);
      if (!e.trans) {
        let order = run.regular.get(e.view);
        if (order === undefined) run.regular.set(e.view, (order = []));
        const pos = idx.regularCount++;
        if (pos === order.length) order.push(e.id);
        else if (order[pos] !== e.id)
          fail(run, 'agreed-order', `in view ${e.view}, ${node} delivered ${e.id} as its message ${pos + 1}, but another member delivered ${order[pos]} there`);
        if (e.service === 'safe') safeChecks.push({ node, id: e.id, view: e.view, members: idx.members });
      }
      return;
    }
  }
}

/** Application deliveries keep the view's one order across groups: rising positions, and one message per position. */
function readAppDelivery(run: RunIndex, node: NodeId, idx: NodeIndex, e: Extract<Delivery, { k: 'msg' }>): void {
  const pos = e.gseq ?? Infinity;
  if (pos <= idx.lastApp && e.gseq !== null)
    fail(run, 'group-order', `${node} delivered ${e.id} (position ${pos} of view ${e.view}) to its application after a later position`);
  idx.lastApp = pos;
  if (e.gseq === null) return;
  let at = run.positions.get(e.view);
  if (at === undefined) run.positions.set(e.view, (at = new Map()));
  const other = at.get(e.gseq);
  if (other === undefined) at.set(e.gseq, e.id);
  else if (other !== e.id)
    fail(run, 'group-order', `in view ${e.view}, ${node} delivered ${e.id} to its application at position ${e.gseq}, where another member delivered ${other}`);
}

/** `node` moves from its view to `next`: it must have delivered what others making the same move delivered. */
function closeView(run: RunIndex, node: NodeId, idx: NodeIndex, next: string): void {
  const key = `${idx.view}->${next}`;
  const first = run.transitions.get(key);
  if (first === undefined) {
    run.transitions.set(key, { node, ids: idx.inView });
    return;
  }
  const mine = new Set(idx.inView);
  const theirs = new Set(first.ids);
  const missing = first.ids.filter((id) => !mine.has(id));
  const extra = idx.inView.filter((id) => !theirs.has(id));
  if (missing.length > 0 || extra.length > 0) {
    fail(
      run,
      'virtual-synchrony',
      `${first.node} and ${node} both moved from view ${idx.view} to ${next}, but ${node} ` +
        (missing.length > 0 ? `did not deliver ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` (and ${missing.length - 3} more)` : ''}` : '') +
        (missing.length > 0 && extra.length > 0 ? ' and ' : '') +
        (extra.length > 0 ? `delivered ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ` (and ${extra.length - 3} more)` : ''} that ${first.node} did not` : '') +
        ` in ${idx.view}`,
    );
    return;
  }
  for (let i = 0; i < first.ids.length; i++) {
    if (first.ids[i] !== idx.inView[i]) {
      fail(run, 'agreed-order', `${first.node} and ${node} moved together from view ${idx.view} to ${next} but delivered its messages in different orders (${first.ids[i]} vs ${idx.inView[i]} at position ${i + 1})`);
      return;
    }
  }
}

/** When `node` delivers safe message `id` in `view`, every member of the view that is still the same incarnation must hold it. */
function checkSafe(run: RunIndex, view: View, node: NodeId, id: string, inView: string, members: readonly Member[]): void {
  for (const m of members) {
    if (m.node === node) continue;
    const other = view.nodes.find((x) => x.id === m.node);
    const s = other?.state;
    if (other === undefined || !other.up || s === undefined || s.incarnation !== m.inc) continue; // crashed since: excused
    if (run.nodes.get(m.node)?.delivered.get(id) === inView) continue;
    if (s.viewKey === inView && Object.values(s.buffer).some((o) => o.msg.id === id)) continue;
    fail(run, 'safe-delivery', `${node} delivered safe message ${id} in view ${inView}, but member ${m.node} does not have it`);
    return;
  }
}
