import type { ProtocolDefinition } from '@faultline/runtime';
import { bank } from './bank/index.ts';
import { primaryBackup } from './primary-backup/index.ts';

export { bank, primaryBackup };

/** Every protocol in the library, for the CLI and the cross-package tests. */
export const protocols: readonly ProtocolDefinition[] = [primaryBackup, bank];

/** The protocol called `name`, or undefined. */
export function findProtocol(name: string): ProtocolDefinition | undefined {
  return protocols.find((p) => p.name === name);
}
