import { availableParallelism } from 'node:os';
import { DEFAULT_PCT_DEPTH, campaign, simulate, type CampaignFailure, type CampaignOptions, type CampaignResult, type RunSize, type ShrinkProgress } from '@faultline/simulator';
import { parseArgs, type CommandSpec, type Flags } from '../args.ts';
import { EXIT_OK, EXIT_VIOLATION, UsageError } from '../errors.ts';
import { count, duration, grouped, simMs } from '../format.ts';
import type { Output } from '../io.ts';
import { outboxWarning } from '../outbox-warning.ts';
import { ProgressBar } from '../progress.ts';
import { RUN_FLAGS, seedValue, setUpRun, type RunSetup } from '../run-setup.ts';
import { parseShard, shardRange, type Shard } from '../shard.ts';
import { DEFAULT_SCHEDULES_DIR } from '../schedule-file.ts';
import { DEFAULT_SHRINK_BUDGET_MS, shrinkFailures } from '../shrink-failures.ts';
import { reportedMs, type FailureReport, type ShardInfo, type TestReport } from '../test-report.ts';
import { workerCampaign } from '../worker-campaign.ts';
import { firstFailureStory, withSlices } from '../failure-slice.ts';
import { CampaignRecorder } from '../viz/plots/campaign-data.ts';
import { writeCampaignReport } from '../viz/plots/campaign-report.ts';

export type { TestReport } from '../test-report.ts';

export const DEFAULT_SEEDS = 1000;
/** Failures printed in full; the seeds of the rest are listed. */
const SHOWN_FAILURES = 5;
const LISTED_SEEDS = 20;

export const TEST = {
  name: 'test',
  description:
    'Runs the protocol on N seeds (default 1000) in the deterministic simulator, under its\n' +
    'fault model (or --faults), checking its properties. Each failing seed is printed with\n' +
    'the property, its message, the time and event index, and the exact command that\n' +
    'replays it. Exits 1 when a property was violated, 0 when none was, 2 on bad input.\n' +
    '\n' +
    'Seeds run on worker threads (--workers; default one per core) with the same results\n' +
    'as one thread. --shard i/n runs the i-th of n slices of the seed range, for a CI\n' +
    "matrix; 'faultline merge' combines the shards' --json outputs into the whole run's.",
  positionals: [{ name: 'protocol', required: true, help: 'a built-in protocol name, or a path to a module exporting one' }],
  flags: {
    seeds: { type: 'integer', value: 'N', min: 1, help: `how many seeds to run (default ${DEFAULT_SEEDS})` },
    seed: { type: 'string', value: 'S', help: 'run only this seed' },
    'first-seed': { type: 'integer', value: 'S', help: 'the first seed of the range (default 1)' },
    ...RUN_FLAGS,
    'fail-fast': { type: 'boolean', help: 'stop at the first failing seed (the lowest, with workers too)' },
    workers: { type: 'integer', value: 'N', min: 1, help: 'worker threads running seeds (default: one per core; 1 runs\nin this thread)' },
    shard: { type: 'string', value: 'i/n', help: 'run only the i-th of n contiguous slices of the seed range' },
    'no-shrink': { type: 'boolean', help: 'do not shrink failures (by default the first 5 are shrunk and\ntheir schedules saved for faultline replay --schedule)' },
    'shrink-budget-ms': {
      type: 'integer',
      value: 'MS',
      min: 0,
      help: `wall time for all shrinking (default ${DEFAULT_SHRINK_BUDGET_MS}); spent on the first\nfailure first, later ones only while some is left`,
    },
    'schedules-dir': { type: 'string', value: 'DIR', help: `where shrunk schedules are written (default ./${DEFAULT_SCHEDULES_DIR})` },
    json: { type: 'boolean', help: 'print one JSON object: { ok, protocol, seedsRun, failures: [...] }' },
    report: { type: 'string', value: 'FILE', help: 'write a campaign report to FILE (HTML): failures by property, when\nin the run, seeds per second, events per seed, shrunk sizes' },
  },
  examples: [
    'faultline test primary-backup',
    'faultline test primary-backup --bug reply-before-replicate --seeds 200 --fail-fast',
    'faultline test primary-backup --seeds 10000 --shard 3/8 --json > shard-3.json',
    'faultline test ./my-protocol.ts --faults drop,crash --duration-ms 20000',
  ],
} as const satisfies CommandSpec;

export async function runTest(out: Output, argv: readonly string[]): Promise<number> {
  const { positionals, flags } = parseArgs(TEST, argv);
  if (flags.seed !== undefined && (flags.seeds !== undefined || flags['first-seed'] !== undefined))
    throw new UsageError('faultline test: --seed runs one seed; it cannot go with --seeds or --first-seed');
  if (flags.seed !== undefined && flags.shard !== undefined) throw new UsageError('faultline test: --seed runs one seed; it cannot be sharded');
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  const setup = await setUpRun(out, positionals[0]!, flags);
  const seed = flags.seed !== undefined ? seedValue(flags.seed) : undefined;
  const campaignFirst = typeof seed === 'number' ? seed : (flags['first-seed'] ?? 1);
  const campaignSeeds = seed !== undefined ? 1 : (flags.seeds ?? DEFAULT_SEEDS);
  if (shard && shard.count > campaignSeeds)
    throw new UsageError(`faultline test: --shard ${flags.shard} splits ${count(campaignSeeds, 'seed')} into more shards than seeds`);
  const { firstSeed, seeds } = shard ? shardRange(shard, campaignFirst, campaignSeeds) : { firstSeed: campaignFirst, seeds: campaignSeeds };
  const failFast = flags['fail-fast'] ?? false;
  const workers = flags.workers ?? out.io.workers ?? availableParallelism();

  const bar = out.isTTY && !flags.json && seed === undefined ? new ProgressBar((s) => out.io.stderr.write(s), out.now, out.cErr, out.columns) : undefined;
  const started = out.now();
  const recorder = flags.report !== undefined ? new CampaignRecorder(out.now, started) : undefined;
  let result: CampaignResult;
  try {
    const options: CampaignOptions = {
      ...setup.options,
      seeds,
      firstSeed,
      failFast,
      replayCommand: setup.replay,
      onProgress: bar || recorder ? (p) => (bar?.update(p), recorder?.onProgress(p)) : undefined,
      onFailure: flags.json ? undefined : (f) => foundLine(out, bar, f),
    };
    result =
      typeof seed === 'string'
        ? runStringSeed(setup, seed)
        : workers > 1 && seeds > 1
          ? await runOnWorkers(out, positionals[0]!, flags, setup, options, workers)
          : campaign(options);
  } catch (err) {
    bar?.finish();
    throw err;
  }
  const campaignMs = out.now() - started;
  let failures: FailureReport[];
  try {
    failures = flags['no-shrink']
      ? result.failures
      : shrinkFailures(setup, result.failures, {
          dir: flags['schedules-dir'] ?? out.io.schedulesDir ?? DEFAULT_SCHEDULES_DIR,
          cwd: out.cwd,
          clock: out.now,
          ...(flags['shrink-budget-ms'] !== undefined ? { budgetMs: flags['shrink-budget-ms'] } : {}),
          ...(bar ? { onProgress: (k, total, f, p) => bar.status(shrinkStatus(k, total, f.seed, p)) } : {}),
        });
  } finally {
    bar?.finish();
  }
  // The first failure's causal slice (its shrunk run's, replayed with a full trace) counts in the wall time.
  const story = !flags.json && failures[0] ? firstFailureStory(out, setup, failures[0]) : undefined;
  if (flags.json) failures = withSlices(setup, failures, out.cwd);
  const wallMs = out.now() - started;
  const shrinkMs = wallMs - campaignMs;

  const report = (): TestReport => {
    const shardInfo: ShardInfo | undefined = shard && { ...shard, firstSeed: String(campaignFirst), seeds: campaignSeeds, failFast };
    return {
      ok: result.ok,
      protocol: result.protocol,
      bug: result.bug ?? null,
      faults: setup.config.faults,
      firstSeed: String(seed ?? firstSeed),
      seeds,
      ...(shardInfo ? { shard: shardInfo } : {}),
      seedsRun: result.seedsRun,
      events: result.events,
      simulatedMs: reportedMs(result.simulatedMs),
      wallMs: Math.round(wallMs),
      shrinkMs: Math.round(shrinkMs),
      ...warningsOf(result),
      failures: failures.map((f) => ({
        seed: f.seed,
        property: f.property,
        message: f.message,
        atMs: f.atMs,
        events: f.events,
        traceHash: f.traceHash,
        replay: f.replay,
        ...(f.shrunk ? { shrunk: f.shrunk } : {}),
      })),
      ...pctReport(setup),
    };
  };
  const written = recorder ? writeCampaignReport(out, flags.report!, report(), recorder.seeds) : undefined;
  if (flags.json) out.out(JSON.stringify(report(), null, 2));
  else printReport(out, setup, { ...result, failures }, String(seed ?? firstSeed), { campaignMs, shrinkMs }, result.seedsRun < seeds, shard, story);
  if (written !== undefined && !flags.json) out.out(written);
  return result.ok ? EXIT_OK : EXIT_VIOLATION;
}

/** The campaign on worker threads, each loading the protocol and scenario from the same inputs. */
async function runOnWorkers(
  out: Output,
  protocolArg: string,
  flags: Flags<typeof TEST.flags>,
  setup: RunSetup,
  options: CampaignOptions,
  workers: number,
): Promise<CampaignResult> {
  const protocolsModule = out.io.protocolsModule;
  if (setup.protocol.source === 'builtin' && out.io.protocols !== undefined && protocolsModule === undefined)
    throw new Error('Io.protocols was given without Io.protocolsModule: worker threads cannot load these built-ins (use --workers 1)');
  const run = {
    protocolArg,
    cwd: out.cwd,
    flags: Object.fromEntries(Object.keys(RUN_FLAGS).map((k) => [k, flags[k as keyof typeof RUN_FLAGS]])),
    ...(protocolsModule !== undefined ? { protocolsModule } : {}),
    failFast: options.failFast ?? false,
  };
  return await workerCampaign({ run, firstSeed: options.firstSeed ?? 1, seeds: options.seeds, workers, onProgress: options.onProgress });
}

/** A seed that is not an integer cannot go through a campaign's range: run it alone. */
function runStringSeed(setup: RunSetup, seed: string): CampaignResult {
  const r = simulate({ ...setup.options, seed, trace: 'hash' });
  const v = r.violation;
  const failures: CampaignFailure[] = v
    ? [{ seed, property: v.property, message: v.message, atMs: v.atMs, events: r.events, traceHash: r.traceHash!, replay: setup.replay(seed) }]
    : [];
  return { ok: r.ok, protocol: r.protocol, bug: r.bug, seedsRun: 1, failures, events: r.events, simulatedMs: r.endMs };
}

/** `test --json`'s `warnings`, when there are any. */
function warningsOf(r: Pick<CampaignResult, 'kenOutboxPeak'>): Pick<TestReport, 'warnings'> {
  const outbox = outboxWarning(r.kenOutboxPeak);
  return outbox !== undefined ? { warnings: [outbox] } : {};
}

/** One line for a failure as it is found, on stderr (above the progress bar on a terminal). */
function foundLine(out: Output, bar: ProgressBar | undefined, f: CampaignFailure): void {
  const line = `${out.cErr.red('✗ seed ' + f.seed)}: '${f.property}' violated at ${simMs(f.atMs)} ms (event ${grouped(f.events)}); ${f.replay}`;
  if (bar) bar.above(line);
  else out.err(line);
}

/** The progress line while failure `k` of `total` is shrunk. */
function shrinkStatus(k: number, total: number, seed: string, p: ShrinkProgress): string {
  return `shrinking failure ${k + 1}/${total} (seed ${seed}): ${p.runs}/${p.maxRuns} runs, best ${count(p.best.events, 'event')} (from ${grouped(p.original.events)})`;
}

/** "3 faults, 12 requests, 340 events" */
function sizeText(s: RunSize): string {
  return `${count(s.faults, 'fault')}, ${count(s.requests, 'request')}, ${count(s.events, 'event')}`;
}

/** `test --json`'s `pct` field, under PCT. */
function pctReport(setup: RunSetup): Pick<TestReport, 'pct'> {
  const s = setup.options.strategy;
  if (s?.kind !== 'pct' || s.steps === undefined) return {};
  return { pct: { depth: s.depth ?? DEFAULT_PCT_DEPTH, steps: s.steps, stepsFrom: setup.pctStepsFrom ?? 'given' } };
}

/** The summary's strategy line, under PCT: the steps used and where they came from. */
function pctLine(setup: RunSetup): string[] {
  const p = pctReport(setup).pct;
  return p ? [`pct, depth ${p.depth}, ${grouped(p.steps)} steps (${p.stepsFrom})`] : [];
}

function printReport(
  out: Output,
  setup: RunSetup,
  r: Omit<CampaignResult, 'failures'> & { readonly failures: readonly FailureReport[] },
  firstSeed: string,
  times: { readonly campaignMs: number; readonly shrinkMs: number },
  stoppedEarly: boolean,
  shard: Shard | undefined,
  story: readonly string[] | undefined,
): void {
  const c = out.c;
  const lines: string[] = [];
  r.failures.slice(0, SHOWN_FAILURES).forEach((f, k) => {
    if (k > 0) lines.push('');
    lines.push(
      `${c.red.bold('✗ seed ' + f.seed)}: ${c.bold(`'${f.property}'`)} violated at ${simMs(f.atMs)} ms (event ${grouped(f.events)})`,
      `  ${f.message}`,
      `  ${c.dim('replay:')} ${c.cyan(f.replay)}`,
    );
    const s = f.shrunk;
    if (s)
      lines.push(
        `  ${c.dim('shrunk:')} ${sizeText(s)} (from ${sizeText(s.from)}): ${c.cyan(s.replay)}`,
      );
    if (k === 0 && story) lines.push('', ...story.map((l) => `  ${l}`));
  });
  if (r.failures.length > SHOWN_FAILURES) {
    const rest = r.failures.slice(SHOWN_FAILURES);
    const listed = rest.slice(0, LISTED_SEEDS).map((f) => f.seed).join(', ');
    lines.push('', `${c.red(`... and ${rest.length} more failing seed${rest.length === 1 ? '' : 's'}`)}: ${listed}${rest.length > LISTED_SEEDS ? ', ...' : ''}`);
  }
  if (lines.length > 0) lines.push('');

  const name = `${r.protocol}${r.bug ? ` (bug ${r.bug})` : ''}`;
  const lastSeed = /^-?\d+$/.test(firstSeed) ? String(Number(firstSeed) + r.seedsRun - 1) : firstSeed;
  const range = r.seedsRun === 1 ? `seed ${firstSeed}` : `${firstSeed}..${lastSeed}`;
  if (r.ok) lines.push(c.green.bold(`✓ ${name}: no property violated in ${count(r.seedsRun, 'seed')}`));
  else lines.push(c.red.bold(`✗ ${name}: ${grouped(r.failures.length)} of ${count(r.seedsRun, 'seed')} violated a property`));
  const { campaignMs, shrinkMs } = times;
  const speedup = campaignMs > 0 ? ` (${grouped(Math.round(r.simulatedMs / campaignMs))}x real time)` : '';
  const shrunk = r.failures.filter((f) => f.shrunk !== undefined);
  const shrinkRuns = shrunk.reduce((n, f) => n + f.shrunk!.runs, 0);
  const faults = setup.config.faults.length ? setup.config.faults.join(', ') : 'none';
  lines.push(
    `  ${c.dim('seeds    ')} ${grouped(r.seedsRun)} (${range})${shard ? `, shard ${shard.index}/${shard.count}` : ''}${stoppedEarly ? '; stopped at the first failure (--fail-fast)' : ''}`,
    `  ${c.dim('failures ')} ${r.failures.length ? c.red(grouped(r.failures.length)) : c.green('0')}`,
    `  ${c.dim('faults   ')} ${faults}`,
    ...pctLine(setup).map((l) => `  ${c.dim('strategy ')} ${l}`),
    `  ${c.dim('events   ')} ${grouped(r.events)}`,
    `  ${c.dim('time     ')} ${duration(r.simulatedMs)} simulated in ${duration(campaignMs)} wall${speedup}`,
    ...(shrunk.length > 0 ? [`  ${c.dim('shrinking')} ${count(shrunk.length, 'failure')} in ${duration(shrinkMs)} (${count(shrinkRuns, 'run')})`] : []),
    ...(warningsOf(r).warnings ?? []).map((w) => c.yellow(`⚠ ${w}`)),
  );
  out.out(...lines);
}
