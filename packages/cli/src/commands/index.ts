import type { CommandSpec } from '../args.ts';
import type { Output } from '../io.ts';

/** A command, once its module is loaded: its flags and what it does. */
export interface Command {
  readonly spec: CommandSpec;
  readonly run: (out: Output, argv: readonly string[]) => Promise<number> | number;
}

/** A command as the top-level help lists it; its module loads only when it is used. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/**
 * Every command, in the order `faultline --help` lists them. Each loads its module (and
 * so the simulator, the protocol library, the network...) only when it runs or shows its
 * own help, so that `faultline --help` starts fast.
 */
export const COMMAND_TABLE: readonly CommandEntry[] = [
  {
    name: 'list',
    summary: 'list the protocols, their bug variants, properties and fault models',
    load: () => import('./list.ts').then((m) => ({ spec: m.LIST, run: m.runList })),
  },
  {
    name: 'test',
    summary: 'run a protocol on many seeds under faults; report every violation',
    load: () => import('./test.ts').then((m) => ({ spec: m.TEST, run: m.runTest })),
  },
  {
    name: 'replay',
    summary: 'rerun one seed with its full trace',
    load: () => import('./replay.ts').then((m) => ({ spec: m.REPLAY, run: m.runReplay })),
  },
  {
    name: 'check',
    summary: 'search every interleaving up to a depth (untimed), then random walks',
    load: () => import('./check.ts').then((m) => ({ spec: m.CHECK, run: m.runCheck })),
  },
  { name: 'check-history', summary: "check a history from any system (Jepsen EDN, Porcupine's log, faultline JSON lines)", load: () => import('./check-history.ts').then((m) => ({ spec: m.CHECK_HISTORY, run: m.runCheckHistory })) },
  {
    name: 'merge',
    summary: "combine the --json outputs of a campaign's shards into the whole run's",
    load: () => import('./merge.ts').then((m) => ({ spec: m.MERGE, run: m.runMerge })),
  },
  {
    name: 'run',
    summary: 'run one node of a cluster on the real network',
    load: () => import('./run.ts').then((m) => ({ spec: m.RUN, run: m.runRun })),
  },
  {
    name: 'client',
    summary: 'send one request to a running cluster and print the reply',
    load: () => import('./client.ts').then((m) => ({ spec: m.CLIENT, run: m.runClient })),
  },
  {
    name: 'init',
    summary: 'write a new project of your own: a protocol with a bug variant, a test, a README',
    load: () => import('./init.ts').then((m) => ({ spec: m.INIT, run: m.runInit })),
  },
  { name: 'report', summary: 'write an HTML page of plots for runs or a campaign', load: () => import('./report.ts').then((m) => ({ spec: m.REPORT, run: m.runReport })) },
];

/** The entry named `name`, if there is one. */
export function findCommand(name: string): CommandEntry | undefined {
  return COMMAND_TABLE.find((c) => c.name === name);
}
