import { defineProtocol } from '@faultline/runtime';
import { BUGS, isBug } from './config.ts';
import type { Req, Res } from './messages.ts';
import { properties } from './properties.ts';
import { Raft } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

export { Raft } from './service.ts';
export { BUGS, TIMING, LIMITS, type Bug, type Options } from './config.ts';
export type { Req, Res, Msg, Entry, Command, Timer } from './messages.ts';
export type { State, Role, Session, PendingRequest } from './state.ts';
export * from './properties.ts';
export { workload } from './workload.ts';

export const raft = defineProtocol<State, Req, Res>({
  name: 'raft',
  description:
    'Raft: leader election with randomized timeouts, log replication with the log-matching check, the commit rule of the current term, ' +
    'and a linearizable key-value store with client sessions on top; term, vote and log survive crashes through Ken.',
  create({ bug }) {
    if (bug !== undefined && !isBug(bug)) throw new Error(`raft has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    return new Raft({ bug });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties,
  consistency: { model: 'kv', level: 'linearizable' },
  ken: true,
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew'],
  nodes: 5,
  minNodes: 3,
  workload,
  durationMs: 10_000,
  quietMs: 5_000,
});

export default raft;
