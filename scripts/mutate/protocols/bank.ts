import type { MutatedProtocol } from '../mutations.ts';

export const bank: MutatedProtocol = {
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
};
