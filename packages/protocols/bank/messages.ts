import type { NodeId } from '@faultline/runtime';

/** A transfer's id is the client request's id: unique per operation, kept across retries. */
export type TransferId = string;

/** Between nodes: the credit half of a transfer, sent by the debiting node to the account's owner. */
export type BankMsg = { readonly type: 'credit'; readonly transfer: TransferId; readonly account: string; readonly amount: number };

export type BankReq =
  | { readonly type: 'transfer'; readonly from: string; readonly to: string; readonly amount: number }
  | { readonly type: 'balance'; readonly account: string };

export type BankRes =
  | { readonly type: 'transferred'; readonly transfer: TransferId }
  | { readonly type: 'insufficient'; readonly balance: number }
  | { readonly type: 'balance'; readonly account: string; readonly balance: number }
  | { readonly type: 'unknown-account'; readonly account: string };

/** Accounts are named `<owner>/a<k>`: the owner is the node holding the balance. */
export function ownerOf(account: string): NodeId {
  return account.slice(0, account.indexOf('/'));
}
