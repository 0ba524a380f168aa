import type { NodeId } from '@faultline/runtime';
import type { TransferId } from './messages.ts';

export const ACCOUNTS_PER_NODE = 3;
export const INITIAL_BALANCE = 100;

export interface BankState {
  /** Balances of the accounts this node owns. */
  readonly balances: Record<string, number>;
  /** Every debit and credit applied here, by transfer id, in order: the exactly-once evidence. */
  readonly applied: readonly { readonly transfer: TransferId; readonly side: 'debit' | 'credit' }[];
}

export function accountsOf(node: NodeId): string[] {
  return Array.from({ length: ACCOUNTS_PER_NODE }, (_, k) => `${node}/a${k + 1}`);
}

export function initialBankState(self: NodeId): BankState {
  return { balances: Object.fromEntries(accountsOf(self).map((a) => [a, INITIAL_BALANCE])), applied: [] };
}
