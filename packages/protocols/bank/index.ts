import { defineProtocol, nodeIds } from '@faultline/runtime';
import type { BankReq, BankRes } from './messages.ts';
import { bankProperties } from './properties.ts';
import { Bank } from './service.ts';
import { accountsOf, type BankState } from './state.ts';

export { Bank } from './service.ts';
export type { BankMsg, BankReq, BankRes } from './messages.ts';
export type { BankState } from './state.ts';

const NODES = 3;
const ACCOUNTS = nodeIds(NODES).flatMap(accountsOf);

export const bank = defineProtocol<BankState, BankReq, BankRes>({
  name: 'bank',
  description:
    'accounts spread over the nodes, transfers as messages between them; written as if the network and the nodes were reliable, so it needs the Ken layer to survive crashes',
  create: () => new Bank(),
  bugs: [],
  properties: bankProperties,
  faults: ['delay', 'reorder'],
  nodes: NODES,
  durationMs: 10_000,
  quietMs: 3_000,
  workload: {
    clients: 3,
    thinkMs: 20,
    timeoutMs: 400,
    retries: 3,
    next(rng) {
      if (rng.random() < 0.2) return { type: 'balance', account: rng.pick(ACCOUNTS) };
      const from = rng.pick(ACCOUNTS);
      let to = rng.pick(ACCOUNTS);
      while (to === from) to = rng.pick(ACCOUNTS);
      return { type: 'transfer', from, to, amount: 1 + rng.int(20) };
    },
  },
});
