import { always, eventually, type Property, type SystemView } from '@faultline/runtime';
import type { BankReq, BankRes } from './messages.ts';
import { ACCOUNTS_PER_NODE, INITIAL_BALANCE, type BankState } from './state.ts';

type View = SystemView<BankState, BankReq, BankRes>;

function total(state: BankState): number {
  let sum = 0;
  for (const k in state.balances) sum += state.balances[k]!;
  return sum;
}

/** Money in the accounts of up nodes never exceeds what all started nodes began with. */
export const noMoneyCreated = always<BankState, BankReq, BankRes>(
  'no-money-created',
  'the balances of the up nodes never add up to more than the money the bank started with',
  (v: View) => {
    const start = v.nodes.length * ACCOUNTS_PER_NODE * INITIAL_BALANCE;
    let sum = 0;
    for (const n of v.nodes) if (n.state !== undefined) sum += total(n.state);
    return sum <= start || `the up nodes hold ${sum}, but the bank started with ${start}`;
  },
);

/** A transfer never takes an account below zero: the owner checks the balance first. */
export const noOverdraft = always<BankState, BankReq, BankRes>(
  'no-overdraft',
  'no account balance is ever negative',
  (v: View) => {
    for (const n of v.nodes) {
      if (n.state === undefined) continue;
      for (const account of Object.keys(n.state.balances).sort()) {
        const balance = n.state.balances[account]!;
        if (balance < 0) return `${account} on ${n.id} has a balance of ${balance}`;
      }
    }
    return true;
  },
);

/** Once every credit has arrived, the total is exactly what it was. */
export const moneyConserved = eventually<BankState, BankReq, BankRes>(
  'money-conserved',
  'after healing and a quiet period, the balances add up to exactly the starting total',
  (v: View) => {
    const start = v.nodes.length * ACCOUNTS_PER_NODE * INITIAL_BALANCE;
    const sum = v.nodes.reduce((acc, n) => acc + (n.state === undefined ? 0 : total(n.state)), 0);
    return sum === start || `the balances add up to ${sum}, not ${start}`;
  },
);

/** Each transfer is debited and credited at most once; each acknowledged one exactly once. */
export const exactlyOnce = eventually<BankState, BankReq, BankRes>(
  'transfers-exactly-once',
  'every acknowledged transfer is debited once and credited once, and no transfer twice',
  (v: View) => {
    const counts = new Map<string, { debit: number; credit: number }>();
    for (const n of v.nodes)
      for (const a of n.state?.applied ?? []) {
        const c = counts.get(a.transfer) ?? { debit: 0, credit: 0 };
        c[a.side]++;
        counts.set(a.transfer, c);
      }
    for (const [id, c] of counts)
      if (c.debit > 1 || c.credit > 1 || c.credit > c.debit) return `transfer ${id} was debited ${c.debit} and credited ${c.credit} times`;
    for (const op of v.history) {
      if (op.status !== 'ok' || op.result?.type !== 'transferred') continue;
      const c = counts.get(op.id);
      if (c === undefined || c.debit !== 1 || c.credit !== 1)
        return `acknowledged transfer ${op.id} was debited ${c?.debit ?? 0} and credited ${c?.credit ?? 0} times`;
    }
    return true;
  },
);

export const bankProperties: readonly Property<BankState, BankReq, BankRes>[] = [noMoneyCreated, noOverdraft, moneyConserved, exactlyOnce];
