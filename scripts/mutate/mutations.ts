/**
 * One-line mutations of the protocol library, for `npm run mutate`: the kind of mistake a
 * user makes (an off-by-one quorum, a comparison the wrong way round, a check left out).
 * They are kept here, beside the script, and never shipped as bug variants: a bug variant
 * is a documented lesson, a mutation is a probe of whether the properties look everywhere.
 *
 * Mutations found to be equivalent (no run can tell them from the original) are dropped
 * rather than kept as noise: `gcTo = s.stable` in group-communication (a member's
 * delivered count never lags its stable one when it collects), `template.length >
 * tuple.length` in tuplespace (its workload uses one arity), and tuplespace's
 * `leave-without-handover` (`return others.length > 0 || others.some(...)` in leave.ts
 * `handedOver`: a leaver asks to go before another member's pull shows it holds the
 * leaver's outs). That one is equivalent under the campaign's Ken, not in general: Ken
 * delivers every push exactly once and in order, to every member of the group at the
 * time of the out, so the members that stay hold every out the leaver acknowledged
 * (a member that does not own the key then got it as a stray, and the leaver's own
 * strays check is kept); it would lose outs only where pushes can be lost (without Ken,
 * where the correct tuplespace does not pass its campaign either) or where every other
 * holder leaves too before a joiner pulls (the campaign has one leave per group). It
 * survived 300 seeds; `merged-leaves-before-handover` probes the hand-over instead (it
 * survived 300 seeds too: see README's mutation table).
 * A mutation whose mechanism a Ken run never needs carries `flags: ['--no-ken']`.
 *
 * Each mutation replaces one exact piece of text (`find`, which must occur exactly once in
 * `file`) by `replace`. When a protocol's code changes so that `find` no longer occurs,
 * `test/mutations.test.ts` fails and names the mutation to update.
 */

export interface Mutation {
  /** Short, kebab-case, unique within its protocol. */
  readonly id: string;
  /** Path inside the protocol's directory. */
  readonly file: string;
  readonly find: string;
  readonly replace: string;
  /** What the mutation breaks, in a sentence. */
  readonly breaks: string;
  /**
   * Flags for both campaigns (the mutant's and the unmutated protocol's on the catching
   * seed), for a mechanism the protocol's default campaign never needs: `--no-ken` for
   * anti-entropy, which under Ken (every message delivered, in order) repairs nothing.
   */
  readonly flags?: readonly string[];
}

export interface MutatedProtocol {
  /** The protocol's name, as `faultline test` takes it. */
  readonly name: string;
  /** Its directory under packages/protocols. */
  readonly dir: string;
  /** The name its index.ts exports the definition under. */
  readonly exportName: string;
  readonly mutations: readonly Mutation[];
}

export const MUTATED_PROTOCOLS: readonly MutatedProtocol[] = [
  {
    name: 'bank',
    dir: 'bank',
    exportName: 'bank',
    mutations: [
      {
        id: 'credit-overwrites',
        file: 'service.ts',
        find: 's.balances[msg.account] = (s.balances[msg.account] ?? 0) + msg.amount;',
        replace: 's.balances[msg.account] = msg.amount;',
        breaks: 'a credit sets the balance instead of adding to it',
      },
      {
        id: 'no-balance-check',
        file: 'service.ts',
        find: 'if (balance < amount) return',
        replace: 'if (balance < 0) return',
        breaks: 'a transfer may overdraw its source account',
      },
      {
        id: 'local-credit-doubled',
        file: 'service.ts',
        find: 's.balances[to] = (s.balances[to] ?? 0) + amount;',
        replace: 's.balances[to] = (s.balances[to] ?? 0) + 2 * amount;',
        breaks: 'a transfer between accounts of one node credits twice the amount',
      },
      {
        id: 'debit-recorded-as-credit',
        file: 'service.ts',
        find: "s.applied.push({ transfer: id, side: 'debit' });",
        replace: "s.applied.push({ transfer: id, side: 'credit' });",
        breaks: 'the debit is recorded as a credit',
      },
    ],
  },
  {
    name: 'primary-backup',
    dir: 'primary-backup',
    exportName: 'primaryBackup',
    mutations: [
      {
        id: 'quorum-off-by-one',
        file: 'views.ts',
        find: 'return Math.floor(n / 2) + 1;',
        replace: 'return Math.floor(n / 2);',
        breaks: 'half the founders (not a majority) form a view',
      },
      {
        id: 'newest-state-by-length',
        file: 'viewchange.ts',
        find: 'return a.lastView > b.lastView || (a.lastView === b.lastView && a.seq > b.seq);',
        replace: 'return a.seq > b.seq;',
        breaks: 'a new primary adopts the longest state, not the one of the latest view',
      },
      {
        id: 'replicate-from-old-view',
        file: 'replication.ts',
        find: 'if (msg.view < s.promised.num) {',
        replace: 'if (msg.view < s.view.num) {',
        breaks: 'a backup acknowledges an old view\'s updates after promising a newer ballot',
      },
      {
        id: 'commit-on-any-ack',
        file: 'replication.ts',
        find: 'all = Math.min(all, a);',
        replace: 'all = Math.max(all, a);',
        breaks: 'an op commits when any member (the primary itself) has it, not every member',
      },
      {
        id: 'prepare-accepts-equal-ballot',
        file: 'viewchange.ts',
        find: 'if (b.num <= s.promised.num || hasLivePrimary(ctx, from)) {',
        replace: 'if (b.num < s.promised.num || hasLivePrimary(ctx, from)) {',
        breaks: 'a node promises a second proposer of a ballot number it already promised',
      },
    ],
  },
  {
    name: 'lazy-replication',
    dir: 'lazy-replication',
    exportName: 'lazyReplication',
    mutations: [
      {
        id: 'merge-keeps-older-write',
        file: 'service.ts',
        find: 'if (mine === undefined || later(theirs, mine)) s.store[key] = theirs;',
        replace: 'if (mine === undefined || !later(theirs, mine)) s.store[key] = theirs;',
        breaks: 'gossip keeps the older of two writes to a key',
      },
      {
        id: 'ignore-newer-gossip',
        file: 'service.ts',
        find: 'if (dominates(s.ts, msg.ts)) return;',
        replace: 'if (dominates(msg.ts, s.ts)) return;',
        breaks: 'a replica ignores gossip that is newer than what it has',
      },
      // On the client history this one is all but equivalent: a front end joins the timestamp
      // recorded with its last answer back in at the client's next request, so only a
      // resend in between goes out with the shortened timestamp (it survived 2,000 seeds).
      // `front-ends-keep-what-clients-saw` checks the replicas' state and sees the loss at once.
      {
        id: 'front-end-replaces-timestamp',
        file: 'front-end.ts',
        find: 'if (!dominates(fe.ts, ts)) fe.ts = join(fe.ts, ts);',
        replace: 'if (!dominates(fe.ts, ts)) fe.ts = ts;',
        breaks: 'a front end replaces what its client has seen by the latest answer\'s timestamp instead of joining them',
      },
      {
        id: 'put-keeps-timestamp',
        file: 'service.ts',
        find: 's.ts = { ...s.ts, [s.id]: (s.ts[s.id] ?? 0) + 1 };',
        replace: 's.ts = { ...s.ts, [s.id]: s.ts[s.id] ?? 0 };',
        breaks: 'a put does not advance the replica\'s timestamp',
      },
    ],
  },
  {
    name: 'epidemic-collection',
    dir: 'epidemic-collection',
    exportName: 'epidemicCollection',
    mutations: [
      {
        id: 'merge-drops-tombstones',
        file: 'orset.ts',
        find: 'for (const tag of e.tombs) if (s.tombs[tag] !== true) s.tombs[tag] = true;',
        replace: 'for (const tag of e.tombs) if (s.tombs[tag] === true) s.tombs[tag] = true;',
        breaks: 'a replica never takes in another replica\'s tombstones',
      },
      {
        id: 'sync-sends-known-tombstones',
        file: 'orset.ts',
        find: 'if (!hasTomb.has(tag)) (outTombs.push(tag), budget--);',
        replace: 'if (hasTomb.has(tag)) (outTombs.push(tag), budget--);',
        breaks: 'anti-entropy sends the tombstones the peer has, not those it lacks',
      },
      {
        id: 'ack-any-entry',
        file: 'gossip.ts',
        find: 'p.adds.every((t) => hasAdd.has(t)) && p.tombs.every((t) => hasTomb.has(t))',
        replace: 'p.adds.every((t) => hasAdd.has(t)) || p.tombs.every((t) => hasTomb.has(t))',
        breaks: 'an update is acknowledged to its client once a peer holds any other entry',
      },
      {
        id: 'reply-before-second-copy',
        file: 'requests.ts',
        find: 'if (ctx.peers.length === 0) return ctx.reply(p.requestId, resultOf(p));',
        replace: 'if (ctx.peers.length >= 0) return ctx.reply(p.requestId, resultOf(p));',
        breaks: 'an update is acknowledged before a second replica has it',
      },
      {
        id: 'same-gossip-peer',
        file: 'gossip.ts',
        find: 'return s.cycle.pop();',
        replace: 'return s.cycle[0];',
        breaks: 'anti-entropy always picks the same peer',
      },
    ],
  },
  {
    name: 'group-communication',
    dir: 'group-communication',
    exportName: 'groupCommunication',
    mutations: [
      {
        id: 'stable-at-sequencer-ack',
        file: 'ordering.ts',
        find: 'for (const m of s.view.members) stable = Math.min(stable, q.acked[m.node]!);',
        replace: 'for (const m of s.view.members) if (m.node === s.self) stable = Math.min(stable, q.acked[m.node]!);',
        breaks: 'a position counts as stable once the sequencer alone has it',
      },
      {
        id: 'safe-one-early',
        file: 'ordering.ts',
        find: "if (next.msg.service === 'safe' && next.gseq > s.stable) break;",
        replace: "if (next.msg.service === 'safe' && next.gseq > s.stable + 1) break;",
        breaks: 'a safe message is delivered one position before it is stable',
      },
      {
        id: 'ack-ahead',
        file: 'ordering.ts',
        find: "const m: M<'Ack'> = { type: 'Ack', view: s.viewKey, contig: s.contig };",
        replace: "const m: M<'Ack'> = { type: 'Ack', view: s.viewKey, contig: s.contig + 1 };",
        breaks: 'a member acknowledges one position more than it holds',
      },
      {
        id: 'delivery-drops-other-pending',
        file: 'ordering.ts',
        find: 'const i = s.pending.findIndex((m) => m.id === msg.id);',
        replace: 'const i = s.pending.findIndex((m) => m.id !== msg.id);',
        breaks: 'delivering its own message, a sender forgets another one that is still unordered',
      },
    ],
  },
  {
    name: 'tuplespace',
    dir: 'tuplespace',
    exportName: 'tuplespace',
    mutations: [
      {
        id: 'matcher-skips-first-field',
        file: 'tuples.ts',
        find: 'for (let i = 0; i < template.length; i++) {',
        replace: 'for (let i = 1; i < template.length; i++) {',
        breaks: 'a template matches tuples whatever their first field',
      },
      {
        id: 'read-sees-taken',
        file: 'state.ts',
        find: "for (const id in s.tuples) if (s.taken[id] === undefined && (best === undefined || id < best)",
        replace: "for (const id in s.tuples) if ((best === undefined || id < best)",
        breaks: 'a read or take may return a tuple that has been taken',
      },
      {
        id: 'take-not-marked',
        file: 'replication.ts',
        find: 's.taken[e.id] = e.by;',
        replace: 'void e.by;',
        breaks: 'a committed take does not mark its tuple as taken',
      },
      {
        id: 'log-applied-past-gap',
        file: 'replication.ts',
        find: 'if (prev !== msg.prevView) return',
        replace: 'if (prev !== undefined && prev !== msg.prevView) return',
        breaks: 'a replica appends log entries that arrive after a gap (it checks the entry before them only when it has one)',
      },
      {
        id: 'no-pull',
        file: 'weak.ts',
        find: 'if (peers.length === 0) return;',
        replace: 'if (peers.length >= 0) return;',
        breaks: 'anti-entropy never pulls: outs a replica missed (all of them, for a joiner) never reach it',
      },
      {
        id: 'commit-one-short',
        file: 'replication.ts',
        find: 'const n = held[majority(s.group) - 1]!;',
        replace: 'const n = held[majority(s.group) - 2]!;',
        breaks: 'the sequencer commits an entry one acknowledgement short of a majority',
      },
      {
        id: 'candidate-keeps-own-log',
        file: 'viewchange.ts',
        find: 'const log = [...s.log.slice(0, best.from), ...best.entries];',
        replace: 'const log = [...s.log];',
        breaks: "a new sequencer keeps its own log instead of the most up-to-date of its voters'",
      },
      {
        id: 'merged-leaves-before-handover',
        file: 'rehash.ts',
        find: '  if (s.strays) return;\n',
        replace: '',
        breaks: 'a member of a merged partition leaves once the neighbour has absorbed the interval, before it has handed every tuple over',
      },
      {
        id: 'leaver-keeps-serving',
        file: 'service.ts',
        find: "if (s.leaving !== 'stay') return void to(",
        replace: "if (s.leaving === 'left') return void to(",
        breaks: 'a leaving replica goes on acknowledging outs (and taking requests) after it has checked its hand-over',
      },
      {
        id: 'split-forgets-takes',
        file: 'rehash.ts',
        find: "const start: Extract<Entry, { kind: 'start' }> = { kind: 'start', view: 0, lo: e.at, hi, taken: { ...s.taken } };",
        replace: "const start: Extract<Entry, { kind: 'start' }> = { kind: 'start', view: 0, lo: e.at, hi, taken: {} };",
        breaks: 'a partition split off starts without the takes committed before the split: tuples taken there are present again',
      },
      {
        id: 'absorb-forgets-takes',
        file: 'rehash.ts',
        find: "append(ctx, { kind: 'absorb', view: s.view, from: msg.from, lo: msg.lo, hi: msg.hi, taken: { ...msg.taken } });",
        replace: "append(ctx, { kind: 'absorb', view: s.view, from: msg.from, lo: msg.lo, hi: msg.hi, taken: {} });",
        breaks: "a merge hands the interval over without the merged partition's takes: the tuples taken there can be taken again",
      },
      {
        id: 'takes-while-moving',
        file: 'rehash.ts',
        find: "if (e.kind === 'merge' || (e.kind === 'split' && key >= e.at)) return false;",
        replace: "if (e.kind === 'merge' && key < 0) return false;",
        breaks: 'the hand-over forgets in-flight takes: a sequencer goes on taking keys that an uncommitted split or merge moves to another partition',
      },
      {
        id: 'stray-dropped',
        file: 'rehash.ts',
        find: 'const owner = ownerOf(s.dir, key, s.partition) ?? s.into ?? undefined;',
        replace: 'const owner: PartitionId | undefined = undefined;',
        breaks: 'a replica never hands over the tuples outside its interval after a split or merge: outs acknowledged before the change are lost',
      },
    ],
  },
  {
    name: 'shopping-list',
    dir: 'shopping-list',
    exportName: 'shoppingList',
    mutations: [
      {
        id: 'bought-answers-half',
        file: 'service.ts',
        find: 'if (move.removed === null || move.tag === null) return;',
        replace: 'if (move.removed === null && move.tag === null) return;',
        breaks: "a `bought` is answered once either of its two updates has settled, before the other has a second copy",
      },
      {
        id: 'list-reads-pantry',
        file: 'service.ts',
        find: "return ctx.reply(id, { type: 'items', items: this.needed.values(ctx) });",
        replace: "return ctx.reply(id, { type: 'items', items: this.pantry.values(ctx) });",
        breaks: '`list` answers with the pantry (a line copied from `pantry` and not edited)',
      },
      {
        id: 'pantry-not-started',
        file: 'service.ts',
        find: 'this.pantry.start(ctx);',
        replace: '',
        breaks: "the second collection is never started: its gossip timer never runs (the pantry's updates are pushed once, never repaired) and its incarnation is never drawn (a node restarted without Ken tags adds as before). Under Ken, which delivers every push and keeps the state, neither shows: run without",
        flags: ['--no-ken'],
      },
      {
        id: 'pantry-timers-dropped',
        file: 'service.ts',
        find: 'if (!this.needed.onTimer(ctx, tag)) this.pantry.onTimer(ctx, tag);',
        replace: 'this.needed.onTimer(ctx, tag);',
        breaks: "timers go only to the first collection: the pantry's gossip stops after its first round (visible without Ken only, as above)",
        flags: ['--no-ken'],
      },
      {
        id: 'checkout-clears-pantry',
        file: 'service.ts',
        find: 'return this.settleNow(ctx, \'needed\', id, this.needed.clear(ctx, id));',
        replace: 'return this.settleNow(ctx, \'needed\', id, this.pantry.clear(ctx, id));',
        breaks: '`checkout` empties the pantry instead of the needed list',
      },
      {
        id: 'move-remove-under-request-id',
        file: 'service.ts',
        find: 'this.settleNow(ctx, \'needed\', moveId(id), this.needed.remove(ctx, req.item, moveId(id)));',
        replace: 'this.settleNow(ctx, \'needed\', moveId(id), this.needed.remove(ctx, req.item, id));',
        breaks: "a `bought`'s remove from the needed list goes under the request id instead of its own, so it settles as if it were a need or a checkout",
      },
    ],
  },
  {
    name: 'raft',
    dir: 'raft',
    exportName: 'raft',
    mutations: [
      {
        id: 'vote-twice',
        file: 'election.ts',
        find: '(s.votedFor === null || s.votedFor === from) &&',
        replace: '(s.votedFor !== s.self || s.votedFor === from) &&',
        breaks: 'a node grants a second vote in a term (to anyone but itself)',
      },
      {
        id: 'up-to-date-by-length',
        file: 'log.ts',
        find: 'return aTerm > bTerm || (aTerm === bTerm && aIndex >= bIndex);',
        replace: 'return aIndex >= bIndex;',
        breaks: 'the election restriction compares log lengths only',
      },
      {
        id: 'majority-off-by-one',
        file: 'log.ts',
        find: 'return Math.floor(size / 2) + 1;',
        replace: 'return Math.floor(size / 2);',
        breaks: 'half the cluster (not a majority) elects and commits',
      },
      {
        id: 'commit-past-match',
        file: 'replication.ts',
        find: 's.commitIndex = Math.max(s.commitIndex, Math.min(msg.leaderCommit, matchIndex));',
        replace: 's.commitIndex = Math.max(s.commitIndex, msg.leaderCommit);',
        breaks: 'a follower commits past what the leader\'s message vouches for',
      },
      {
        id: 'keep-conflicting-entry',
        file: 'replication.ts',
        find: 'if (index <= lastIndex(s)) s.log.splice(index - base - 1);',
        replace: 'if (index <= lastIndex(s)) return;',
        breaks: 'a follower keeps a conflicting entry instead of cutting its log there',
      },
    ],
  },
];
