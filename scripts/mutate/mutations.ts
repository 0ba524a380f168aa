/**
 * One-line mutations of the protocol library, for `npm run mutate`: the kind of mistake a
 * user makes (an off-by-one quorum, a comparison the wrong way round, a check left out).
 * They are kept here, beside the script, and never shipped as bug variants: a bug variant
 * is a documented lesson, a mutation is a probe of whether the properties look everywhere.
 *
 * Mutations found to be equivalent (no run can tell them from the original) are dropped
 * rather than kept as noise: `gcTo = s.stable` in group-communication (a member's
 * delivered count never lags its stable one when it collects) and `template.length >
 * tuple.length` in tuplespace (its workload uses one arity). A mutation whose mechanism
 * a Ken run never needs carries flags for a campaign without Ken (`--no-ken`, and for
 * tuplespace no crashes: protocols/tuplespace.ts says why). Each protocol's mutations are
 * in protocols/<name>.ts.
 *
 * Each mutation replaces one exact piece of text (`find`, which must occur exactly once in
 * `file`) by `replace`. When a protocol's code changes so that `find` no longer occurs,
 * `test/mutations.test.ts` fails and names the mutation to update.
 */

import { bank } from './protocols/bank.ts';
import { primaryBackup } from './protocols/primary-backup.ts';
import { lazyReplication } from './protocols/lazy-replication.ts';
import { epidemicCollection } from './protocols/epidemic-collection.ts';
import { groupCommunication } from './protocols/group-communication.ts';
import { tuplespace } from './protocols/tuplespace.ts';
import { shoppingList } from './protocols/shopping-list.ts';
import { raft } from './protocols/raft.ts';

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

export const MUTATED_PROTOCOLS: readonly MutatedProtocol[] = [bank, primaryBackup, lazyReplication, epidemicCollection, groupCommunication, tuplespace, shoppingList, raft];
