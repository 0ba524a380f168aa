import { defineProtocol, type CreateOptions, type NodeSpec } from '@faultline/runtime';
import { paceOptions } from '../shared/pace.ts';
import { BUGS, TIMING, type Bug } from './config.ts';
import type { Req, Res } from './messages.ts';
import { properties } from './properties.ts';
import { PrimaryBackup } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

export { PrimaryBackup } from './service.ts';
export { BUGS, TIMING, LIMITS, type Bug, type Options } from './config.ts';
export type { Req, Res, Msg, Op, Store, ViewInfo, Ballot, Timer } from './messages.ts';
export type { State, Status } from './state.ts';
export { properties, noLostWrites, onePrimaryPerView, readsSeeAcknowledgedWrites, convergesAfterHeal, inSyncReplicas } from './properties.ts';
export { workload } from './workload.ts';

/**
 * Five founders vote on view changes; n6 joins later, knowing only n1. Five, not three:
 * state is volatile, so a restarted founder cannot vote until it has been readmitted, but
 * the simulator counts it as healthy as soon as it restarts and may crash another node
 * at once. With three founders a second crash in that window (or while the first crash
 * is still undetected) leaves one voter of three and the cluster stuck for good (about 5%
 * of seeds); five keep a majority through one crash plus one recovering node. That is
 * the default of campaigns; a scenario may give other nodes (the founders are those
 * present at start), timings (`tickMs`, `suspectMs`) and the quick start (`quickStart: 1`,
 * see `Options.quickStart`). The shrinker may cut a bug's failing run down to three
 * founders, no joiner, the quick start and a slower tick (`minNodes`, `shrinkOptions`),
 * but keeps such a cut only if the correct version does not fail the same way under it:
 * three founders are past what the protocol survives (seed 12 of `nodes: 3` loses
 * acknowledged writes), so a failure there may be that limit's.
 */
const FOUNDERS = ['n1', 'n2', 'n3', 'n4', 'n5'] as const;
const NODES: readonly NodeSpec[] = [
  ...FOUNDERS.map((id) => ({ id })),
  { id: 'n6', joinAtMs: 2_000, contacts: ['n1'] },
];

function isBug(name: string): name is Bug {
  return Object.prototype.hasOwnProperty.call(BUGS, name);
}

/** `quickStart` is 1 (on) or 0 (off: the default), so that a shrinker can move it like a number. */
function quickStartOption(v: unknown): boolean {
  if (v !== undefined && v !== 0 && v !== 1) throw new Error(`option quickStart must be 0 or 1, not ${JSON.stringify(v)}`);
  return v === 1;
}

function nodeList(name: string, v: unknown): readonly string[] | undefined {
  if (v !== undefined && !(Array.isArray(v) && v.length > 0 && v.every((f) => typeof f === 'string'))) throw new Error(`option ${name} must be a non-empty array of node ids`);
  return v as string[] | undefined;
}

export const primaryBackup = defineProtocol<State, Req, Res>({
  name: 'primary-backup',
  description:
    'Passive replication of a key-value store: the primary applies each request and replicates it to every member before replying; ' +
    'numbered views are changed by a majority of the founding replicas, the new primary adopting the most up-to-date state; ' +
    'restarted and late nodes rejoin through any node and receive the state.',
  // `founders` (an option of a deployment's cluster config) replaces the nodes present at start, which the simulator gives (`initialNodes`).
  create(options: CreateOptions) {
    const { bug, founders, initialNodes } = options;
    if (bug !== undefined && !isBug(bug)) throw new Error(`primary-backup has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    const given = paceOptions(options, ['tickMs', 'suspectMs']);
    const { tickMs, suspectMs } = { ...TIMING, ...given };
    if (suspectMs <= tickMs) throw new Error(`option suspectMs (${suspectMs}) must be more than tickMs (${tickMs})`);
    const voters = nodeList('founders', founders) ?? nodeList('initialNodes', initialNodes) ?? FOUNDERS;
    return new PrimaryBackup({ bug, founders: voters, ...given, ...(quickStartOption(options.quickStart) ? { quickStart: true } : {}) });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties,
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew'],
  nodes: NODES,
  minNodes: 3,
  shrinkOptions: {
    quickStart: { default: 0, simplest: 1, integer: true },
    tickMs: { default: TIMING.tickMs, simplest: 300, integer: true },
    suspectMs: { default: TIMING.suspectMs, simplest: 2 * TIMING.tickMs, integer: true },
  },
  maxFaultyNodes: 1,
  workload,
  durationMs: 10_000,
  quietMs: 5_000,
});
