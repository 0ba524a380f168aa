import { always, eventually, type Property } from '@faultline/runtime';
import { indexRun, type Property as Checked } from './log-index.ts';
import type { Req, Res } from './messages.ts';
import type { State } from './state.ts';

type P = Property<State, Req, Res>;

function fromIndex(name: Checked, description: string): P {
  return always<State, Req, Res>(name, description, (view) => indexRun(view).violations.get(name) ?? true);
}

export const agreedOrder = fromIndex(
  'agreed-order',
  'within a view, every member delivers a prefix of one order (regular deliveries), and members that move together to the next view delivered the view\'s messages in the same order',
);
export const fifo = fromIndex(
  'fifo',
  'every node delivers each sender incarnation\'s messages in the order sent, and without gaps within a view\'s regular deliveries',
);
export const causalOrder = fromIndex(
  'causal-order',
  'every node delivers a message only after every position of the view\'s order that its sender had delivered before sending it',
);
export const virtualSynchrony = fromIndex(
  'virtual-synchrony',
  'members that move together from a view to the same next view delivered the same set of messages in it',
);
export const safeDelivery = fromIndex(
  'safe-delivery',
  'a safe message is delivered in a view (regular configuration) only when every member of the view still up as the same incarnation holds it',
);
export const noDuplicates = fromIndex('no-duplicates', 'no node incarnation delivers a message twice');
export const viewAgreement = fromIndex('view-agreement', 'every node that installs a view installs it with the same members and the same groups');
export const groupDelivery = fromIndex(
  'group-delivery',
  'a node delivers a message to its application exactly when, at that point of the view\'s order, it is a member of one of the message\'s groups (membership as the view\'s table and the joins and leaves ordered since make it)',
);
export const groupMembership = fromIndex(
  'group-membership',
  'a node that moves to a new view keeps its groups (a new incarnation starts in none): view changes neither drop nor invent memberships',
);
export const groupOrder = fromIndex(
  'group-order',
  'across groups, every two nodes deliver the messages they both deliver to their applications in the same relative order (a multi-group multicast is ordered the same at every member of every group it reaches)',
);

/** After healing: one view of every up node, nothing left undelivered, and one stream in it. */
export const oneViewAfterHeal: P = eventually<State, Req, Res>(
  'one-view-after-heal',
  'once faults heal, every up node is in one view whose members are exactly the up nodes, has delivered all its own messages, and all delivered the same messages in that view',
  (view) => {
    const up = view.nodes.filter((n) => n.up && n.state !== undefined);
    const members = up.map((n) => `${n.id}#${n.state!.incarnation}`).sort().join(',');
    let first: { id: string; key: string; stream: string } | null = null; // stream: count and digest of the view's deliveries
    for (const n of up) {
      const s = n.state!;
      if (s.blocked) return `${n.id} is still changing views`;
      const mine = s.view.members.map((m) => `${m.node}#${m.inc}`).join(',');
      if (mine !== members) return `${n.id} is in view ${s.viewKey} of [${mine}], but the up nodes are [${members}]`;
      if (s.pending.length > 0 || s.queued.length > 0)
        return `${n.id} has ${s.pending.length} own messages undelivered and ${s.queued.length} requests queued`;
      const stream = `${s.viewStream.count}:${s.viewStream.digest}`;
      if (first === null) first = { id: n.id, key: s.viewKey, stream };
      else if (first.key !== s.viewKey) return `${first.id} is in view ${first.key} but ${n.id} in ${s.viewKey}`;
      else if (first.stream !== stream) return `${first.id} and ${n.id} delivered different messages in the final view ${s.viewKey}`;
    }
    return true;
  },
);

/**
 * Reliable delivery, as its sender sees it: a sender that stays up delivers every message
 * it multicast (self-delivery), whatever views it went through. With virtual synchrony,
 * every member that moves on with it then delivered it too.
 */
export const selfDelivery: P = eventually<State, Req, Res>(
  'self-delivery',
  'once faults heal, every up node has delivered every message it multicast in its current incarnation',
  (view) => {
    for (const n of view.nodes) {
      const s = n.state;
      if (!n.up || s === undefined) continue;
      if (s.ownDelivered < s.nextN) return `${n.id} multicast ${s.nextN} messages as incarnation ${s.incarnation} but delivered only ${s.ownDelivered} of them`;
    }
    return true;
  },
);

export const properties: readonly P[] = [
  agreedOrder,
  fifo,
  causalOrder,
  virtualSynchrony,
  safeDelivery,
  noDuplicates,
  viewAgreement,
  groupDelivery,
  groupMembership,
  groupOrder,
  oneViewAfterHeal,
  selfDelivery,
];
