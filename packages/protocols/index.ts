import type { ProtocolDefinition } from '@faultline/runtime';
import { bank } from './bank/index.ts';
import { epidemicCollection, epidemicCollectionSequential } from './epidemic-collection/index.ts';
import { groupCommunication } from './group-communication/index.ts';
import { lazyReplication } from './lazy-replication/index.ts';
import { primaryBackup } from './primary-backup/index.ts';
import { raft } from './raft/index.ts';
import { shoppingList } from './shopping-list/index.ts';
import { tuplespace } from './tuplespace/index.ts';

/** The embeddable replicated collection (docs/composition.md). */
export { TempestCollection, type CollectionMsg, type CollectionTimer, type HostContext, type Settled, type Update } from './epidemic-collection/index.ts';
export { bank, epidemicCollection, epidemicCollectionSequential, groupCommunication, lazyReplication, primaryBackup, raft, shoppingList, tuplespace };

/** Every protocol in the library, for the CLI and the cross-package tests. */
export const protocols: readonly ProtocolDefinition[] = [
  primaryBackup,
  lazyReplication,
  epidemicCollection,
  epidemicCollectionSequential,
  groupCommunication,
  tuplespace,
  raft,
  bank,
  shoppingList,
];

/** The protocol called `name`, or undefined. */
export function findProtocol(name: string): ProtocolDefinition | undefined {
  return protocols.find((p) => p.name === name);
}
