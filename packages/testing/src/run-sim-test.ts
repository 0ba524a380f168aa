import { loadScenario, replayCommand, type RunInputs } from '@faultline/simulator';
import type { FaultKind, ProtocolDefinition } from '@faultline/runtime';
import { campaign, simulate, type CampaignFailure, type Scenario, type SimOptions, type SimResult } from '@faultline/simulator';

/** What one `simTest` runs: a protocol, a range of seeds, and what shapes every run. */
export interface SimTestOptions {
  readonly protocol: ProtocolDefinition;
  /** How many seeds to run (default 100): `firstSeed`, `firstSeed + 1`, ... */
  readonly seeds?: number;
  readonly firstSeed?: number;
  readonly bug?: string;
  /** Fault kinds to inject (default: the scenario's, else the protocol's fault model). */
  readonly faults?: readonly FaultKind[];
  /**
   * A scenario, or the path of a scenario file (JSON, or a module whose default export is
   * one) as `faultline --scenario` takes it. Only a path can go into the replay command.
   */
  readonly scenario?: Scenario | string;
  readonly ken?: boolean;
  readonly durationMs?: number;
  /** The vitest timeout of the registered test, in ms (default: the project's). */
  readonly timeout?: number;
  /** `pass` (default): every seed must pass. `violation`: some seed must violate a property. */
  readonly expect?: 'pass' | 'violation';
  /**
   * How the `faultline` command names the protocol in replay commands: a built-in name or
   * the path of your protocol module (default: `protocol.name`, right for built-ins).
   */
  readonly replayAs?: string;
}

/** Extra assertions on one seed's result: throw (e.g. with vitest's `expect`) to fail the seed. */
export type SimCheck = (result: SimResult) => void;

/** The first seed that went wrong (or, expecting a violation, the first that violated). */
export interface SimTestFailure {
  readonly seed: string;
  /** The property violated, or `check` when the check callback threw. */
  readonly property: string;
  readonly message: string;
  /** Simulated time and events of the run (for a property violation: when it broke). */
  readonly atMs: number;
  readonly events: number;
  /** The exact `faultline replay ...` command for this seed. */
  readonly replay: string;
  /** What the check callback threw, as it threw it (an `expect` failure keeps its diff and stack). */
  readonly error?: unknown;
}

export interface SimTestReport {
  /** Whether the test passes: no failure, or with `expect: 'violation'`, a violation found. */
  readonly ok: boolean;
  readonly seedsRun: number;
  readonly failure: SimTestFailure | undefined;
  /** One paragraph for the test output: the failure, or what was found or not. */
  readonly message: string;
}

/**
 * Runs the seeds of a `simTest` and says whether it passes; never throws for a failing
 * seed (`assertSimTest` does). Stops at the first seed that fails (or, with
 * `expect: 'violation'`, at the first that violates a property). A violation is replayed
 * once more to prove it deterministic, as `faultline test` does.
 */
export async function runSimTest(options: SimTestOptions, check?: SimCheck): Promise<SimTestReport> {
  const { seeds = 100, firstSeed = 1, expect = 'pass' } = options;
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`seeds must be a positive integer, not ${seeds}`);
  const scenarioFile = typeof options.scenario === 'string' ? options.scenario : undefined;
  const scenario = scenarioFile !== undefined ? await loadScenario(scenarioFile, process.cwd()) : (options.scenario as Scenario | undefined);
  const sim: Omit<SimOptions, 'seed' | 'trace'> = {
    protocol: options.protocol,
    bug: options.bug,
    scenario,
    faults: options.faults,
    durationMs: options.durationMs,
    ken: options.ken,
  };
  const inputs: RunInputs = {
    protocolArg: options.replayAs ?? options.protocol.name,
    bug: options.bug,
    faults: options.faults,
    durationMs: options.durationMs,
    scenario: scenarioFile,
    ken: options.ken,
  };
  const inCode = scenario !== undefined && scenarioFile === undefined;
  const replay = (seed: string) =>
    replayCommand(inputs, seed) + (inCode ? '  (the scenario was given in code: save it as JSON and add --scenario FILE)' : '');

  const what = `${options.protocol.name}${options.bug !== undefined ? ` (bug ${options.bug})` : ''}`;
  for (let i = 0; i < seeds; i++) {
    const seed = firstSeed + i;
    const result = simulate({ ...sim, seed, trace: 'none' });
    const violation = result.ok ? undefined : confirmed(sim, seed, replay);
    const checkError = check === undefined ? undefined : checkFailure(check, result, seed, replay);
    const failure = checkError ?? (expect === 'pass' ? violation : undefined);
    if (failure !== undefined) return { ok: false, seedsRun: i + 1, failure, message: describe(failure, `${what}: seed ${failure.seed} of ${seedRange(firstSeed, seeds)}`) };
    if (violation !== undefined)
      return { ok: true, seedsRun: i + 1, failure: violation, message: describe(violation, `${what}: caught at seed ${violation.seed}`) };
  }
  const range = seedRange(firstSeed, seeds);
  return expect === 'pass'
    ? { ok: true, seedsRun: seeds, failure: undefined, message: `${what}: seeds ${range} pass` }
    : { ok: false, seedsRun: seeds, failure: undefined, message: `${what}: expected a violation, but seeds ${range} all pass` };
}

/** A seed violated a property (or none did, expecting one): the report's message. */
export class SimTestError extends Error {
  constructor(
    message: string,
    readonly report: SimTestReport,
  ) {
    super(message);
    this.name = 'SimTestError';
  }
}

/**
 * Runs the seeds and throws unless the test passes. A check callback's own error is
 * rethrown as it was (its stack points at the user's `expect`, and vitest still shows its
 * expected/received diff), with the seed and the replay command put before its message;
 * anything else is a `SimTestError` carrying the report's message.
 */
export async function assertSimTest(options: SimTestOptions, check?: SimCheck): Promise<SimTestReport> {
  const report = await runSimTest(options, check);
  if (report.ok) return report;
  const thrown = report.failure?.error;
  if (thrown instanceof Error) {
    thrown.message = `${report.message.split('\n')[0]}\n  replay: ${report.failure!.replay}\n\n${thrown.message}`;
    throw thrown;
  }
  throw new SimTestError(report.message, report);
}

/** The failing seed, replayed with its trace hashed by the simulator's own campaign. */
function confirmed(sim: Omit<SimOptions, 'seed' | 'trace'>, seed: number, replay: (seed: string) => string): SimTestFailure {
  const f: CampaignFailure = campaign({ ...sim, seeds: 1, firstSeed: seed, replayCommand: replay }).failures[0]!;
  return { seed: f.seed, property: f.property, message: f.message, atMs: f.atMs, events: f.events, replay: f.replay };
}

function checkFailure(check: SimCheck, result: SimResult, seed: number, replay: (seed: string) => string): SimTestFailure | undefined {
  try {
    check(result);
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { seed: String(seed), property: 'check', message, atMs: result.endMs, events: result.events, replay: replay(String(seed)), error: err };
  }
}

function describe(f: SimTestFailure, head: string): string {
  const what = f.property === 'check' ? 'the check failed' : `'${f.property}' violated at ${f.atMs} ms`;
  return `${head}: ${what} (event ${f.events})\n  ${f.message.split('\n').join('\n  ')}\n  replay: ${f.replay}`;
}

function seedRange(first: number, count: number): string {
  return count === 1 ? `${first}` : `${first}..${first + count - 1}`;
}
