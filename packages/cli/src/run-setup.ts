import { FAULT_KINDS } from '@faultline/runtime';
import { DEFAULT_PCT_DEPTH, resolveConfig, type ResolvedConfig, type SimOptions, type StrategyOptions } from '@faultline/simulator';
import type { Flags } from './args.ts';
import { UsageError } from './errors.ts';
import { parseFaultList } from '@faultline/simulator';
import { estimatePctSteps } from './pct-steps.ts';
import type { Output } from './io.ts';
import { loadProtocol, type LoadedProtocol } from './protocol-loader.ts';
import { replayCommand, type RunInputs } from '@faultline/simulator';
import { loadScenario } from '@faultline/simulator';

/** The flags that decide a run, shared by `test` and `replay`. */
export const RUN_FLAGS = {
  bug: { type: 'string', value: 'NAME', help: 'run the named seeded bug variant instead of the correct protocol' },
  faults: {
    type: 'string',
    value: 'LIST',
    help: `fault kinds to inject, comma-separated, or none (default: the\nprotocol's fault model): ${FAULT_KINDS.join(', ')}`,
  },
  'duration-ms': { type: 'number', value: 'T', positive: true, help: 'simulated time with workload and faults (default: the protocol\'s)' },
  scenario: { type: 'string', value: 'FILE', help: 'a scenario (JSON, or a module whose default export is one)' },
  ken: { type: 'boolean', help: 'run every node under Ken checkpointing: a crashed node restarts\nfrom its simulated disk, as if it had only been slow' },
  'no-ken': { type: 'boolean', help: 'run without Ken even if the protocol asks for it (e.g. raft keeps\nits term, vote and log through Ken)' },
  strategy: { type: 'string', value: 'S', help: 'how the next event is picked: random (default: earliest first) or\npct (node priorities with --pct-depth - 1 change points)' },
  'pct-depth': { type: 'integer', value: 'D', min: 1, help: `with --strategy pct: the bug depth targeted (default ${DEFAULT_PCT_DEPTH})` },
  'pct-steps': { type: 'integer', value: 'K', min: 1, help: 'with --strategy pct: the events over which change points are drawn\n(default: the median events of passing random runs of seeds 1..5;\n`test` says the value used and where it came from)' },
} as const;

/** A protocol and everything else a run needs, checked, with how to replay any seed of it. */
export interface RunSetup {
  readonly protocol: LoadedProtocol;
  /** What the command line gave, for replay commands. */
  readonly inputs: RunInputs;
  /** The protocol, bug, scenario, faults, duration and Ken setting as the simulator takes them, for any seed. */
  readonly options: Omit<SimOptions, 'seed' | 'trace'>;
  /** The config of seed 1, resolved: proves the inputs valid before anything runs. */
  readonly config: ResolvedConfig;
  /** The exact command that replays `seed`. */
  replay(seed: string): string;
  /** Under PCT: where its step count came from (given, or how it was estimated). */
  readonly pctStepsFrom?: string;
}

/**
 * Loads the protocol and scenario named on the command line and checks every input,
 * so that mistakes surface as one clear line before any seed runs. Throws `UsageError`
 * (or the simulator's `ConfigError`).
 */
export async function setUpRun(out: Output, protocolArg: string, flags: Flags<typeof RUN_FLAGS>): Promise<RunSetup> {
  const faults = flags.faults !== undefined ? parseFaultList(flags.faults) : undefined;
  const protocol = await loadProtocol(protocolArg, out.cwd, out.io.protocols);
  const definition = protocol.definition;
  const bug = flags.bug;
  if (bug !== undefined && !definition.bugs.some((b) => b.name === bug)) {
    const known = definition.bugs.map((b) => b.name);
    throw new UsageError(`protocol ${definition.name} has no bug variant '${bug}' (known: ${known.length ? known.join(', ') : 'none'})`);
  }
  const scenario = flags.scenario !== undefined ? await loadScenario(flags.scenario, out.cwd) : undefined;
  const durationMs = flags['duration-ms'];
  if (flags.ken === true && flags['no-ken'] === true) throw new UsageError('--ken and --no-ken contradict each other');
  // --ken turns Ken on and --no-ken off; otherwise a scenario's own ken settings, then the protocol's, decide.
  const ken = flags['no-ken'] === true ? false : flags.ken === true && (scenario?.ken === undefined || typeof scenario.ken === 'boolean') ? true : undefined;
  const base = { protocol: definition, bug, scenario, faults, durationMs, ken };
  const { strategy, stepsFrom } = strategyOf(flags, base);
  const options = { ...base, strategy };
  const config = resolveConfig({ ...options, seed: 1 });
  const inputs: RunInputs = { protocolArg, bug, faults, durationMs, scenario: flags.scenario, ken, strategy };
  return {
    protocol,
    inputs,
    options,
    config,
    replay: (seed) => replayCommand(inputs, seed),
    ...(stepsFrom !== undefined ? { pctStepsFrom: stepsFrom } : {}),
  };
}

/**
 * The strategy the flags ask for. PCT's steps, unless given, are estimated once from
 * passing runs (`estimatePctSteps`) and written into every replay command, so that every
 * seed and its replay use the same.
 */
function strategyOf(flags: Flags<typeof RUN_FLAGS>, base: Omit<SimOptions, 'seed'>): { strategy: StrategyOptions; stepsFrom?: string } {
  const kind = flags.strategy ?? 'random';
  if (kind !== 'random' && kind !== 'pct') throw new UsageError(`--strategy must be random or pct, not '${kind}'`);
  if (kind === 'random') {
    if (flags['pct-depth'] !== undefined || flags['pct-steps'] !== undefined) throw new UsageError('--pct-depth and --pct-steps go with --strategy pct');
    return { strategy: { kind } };
  }
  resolveConfig({ ...base, seed: 1 }); // a bad input fails here, before the steps are measured
  const depth = flags['pct-depth'] ?? DEFAULT_PCT_DEPTH;
  const given = flags['pct-steps'];
  if (given !== undefined) return { strategy: { kind, depth, steps: given }, stepsFrom: 'given with --pct-steps' };
  const estimate = estimatePctSteps(base);
  return { strategy: { kind, depth, steps: estimate.steps }, stepsFrom: estimate.from };
}

/** `--seed` as the simulator takes it: a number when it is a plain integer, else the string. */
export function seedValue(text: string): number | string {
  if (text === '') throw new UsageError('--seed needs a non-empty value');
  const n = Number(text);
  return /^-?\d+$/.test(text) && Number.isSafeInteger(n) && String(n) === text ? n : text;
}
