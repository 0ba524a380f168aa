import { writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, causalSlice, resolveConfig, scheduleOptions, simulate, type SimOptions, type SimResult } from '@faultline/simulator';
import { parseArgs, type CommandSpec } from '../args.ts';
import { EXIT_OK, EXIT_VIOLATION, UsageError, errorMessage } from '../errors.ts';
import { count, grouped, simMs } from '../format.ts';
import type { Output } from '../io.ts';
import { loadProtocol } from '../protocol-loader.ts';
import { shellQuote } from '@faultline/simulator';
import { RUN_FLAGS, seedValue, setUpRun } from '../run-setup.ts';
import { loadSchedule } from '../schedule-file.ts';
import { sliceReport } from '../failure-slice.ts';
import { sliceStory } from '../slice-story.ts';
import { runChoicesReplay } from './check.ts';
import { replayTraceLines, writeReplayOutputs } from '../viz/replay-outputs.ts';

export const REPLAY = {
  name: 'replay',
  description:
    'Reruns one seed of a protocol with the same flags as the run that failed, keeping the\n' +
    'full trace, and prints whether a property was violated (and which, when, where), the\n' +
    'trace hash and the event count. The output is the same on every run. Exits 1 when a\n' +
    'property was violated, 0 when none was, 2 on bad input.',
  positionals: [{ name: 'protocol', required: true, help: 'a built-in protocol name, or a path to a module exporting one' }],
  flags: {
    seed: { type: 'string', value: 'S', help: 'the seed to replay (required without --schedule)' },
    schedule: { type: 'string', value: 'FILE', help: 'replay a schedule file written by faultline test (a shrunk\nfailure): it holds the seed and every setting, so no other\nrun flag goes with it' },
    ...RUN_FLAGS,
    choices: { type: 'string', value: 'FILE', help: "replay a path written by faultline check, step by step (no\nother run flag goes with it)" },
    trace: { type: 'boolean', help: 'print the trace: one line per record, a column per node' },
    out: { type: 'string', value: 'FILE', help: 'write the trace to FILE as JSON lines (one record per line)' },
    json: { type: 'boolean', help: 'print { ok, traceHash, events, violation }' },
    around: { type: 'string', value: 'EVENT', help: "print only the trace around EVENT: an event index (the # column),\n'violation', or a record kind such as crash, restart, partition,\ntimeout, drop (its first one); implies --trace" },
    width: { type: 'integer', value: 'W', min: 0, help: "cut trace lines at W characters (at least 40); 0 prints them whole.\nDefault: COLUMNS, else the terminal's width; piped output is not cut" },
    window: { type: 'integer', value: 'K', min: 0, help: 'with --around, the records shown either side (default 20)' },
    node: { type: 'string', value: 'N[,N...]', help: 'print only these nodes\' records (and messages to them, and\nwhat concerns the whole run); implies --trace' },
    html: { type: 'string', value: 'FILE', help: 'write an interactive space-time diagram to FILE: one\nself-contained HTML page (see docs/visualizer.md)' },
    shiviz: { type: 'string', value: 'FILE', help: 'write the trace as a ShiViz log with vector clocks to FILE' },
    slice: { type: 'boolean', help: "print the violation's causal slice as a numbered story: the\nrecords it depends on (with --json: the slice's records)" },
  },
  examples: [
    'faultline replay primary-backup --seed 17 --bug reply-before-replicate --trace',
    'faultline replay ./my-protocol.ts --seed 3 --faults none --out trace.jsonl',
    'faultline replay primary-backup --schedule faultline-schedules/primary-backup-seed8.json --trace',
    'faultline replay primary-backup --seed 12 --bug reply-before-replicate --html pb.html --shiviz pb.log',
    'faultline replay primary-backup --seed 12 --bug reply-before-replicate --around violation --window 10 --node n1,n2',
    'faultline replay primary-backup --schedule faultline-schedules/primary-backup-seed8.json --slice',
  ],
} as const satisfies CommandSpec;

export async function runReplay(out: Output, argv: readonly string[]): Promise<number> {
  const { positionals, flags } = parseArgs(REPLAY, argv);
  if (flags.choices !== undefined) {
    const given = (['seed', 'schedule', ...Object.keys(RUN_FLAGS)] as const).filter((k) => flags[k as keyof typeof flags] !== undefined);
    if (given.length > 0) throw new UsageError(`faultline replay: --choices holds every setting of the check; it cannot go with --${given.join(', --')}`);
    return await runChoicesReplay(out, positionals[0]!, flags.choices, flags.json ?? false);
  }
  let options: Omit<SimOptions, 'trace'>;
  let replay: (seed: string) => string;
  if (flags.schedule !== undefined) {
    const given = (['seed', ...Object.keys(RUN_FLAGS)] as const).filter((k) => flags[k as keyof typeof flags] !== undefined);
    if (given.length > 0) throw new UsageError(`faultline replay: --schedule holds every setting of the run; it cannot go with --${given.join(', --')}`);
    const protocol = await loadProtocol(positionals[0]!, out.cwd, out.io.protocols);
    const schedule = loadSchedule(flags.schedule, out.cwd);
    try {
      options = scheduleOptions(protocol.definition, schedule);
      resolveConfig(options);
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(`schedule ${flags.schedule}: ${err.message}`);
      throw err;
    }
    const command = ['faultline', 'replay', protocol.arg, '--schedule', flags.schedule].map(shellQuote).join(' ');
    replay = () => command;
  } else {
    if (flags.seed === undefined) throw new UsageError("faultline replay: missing --seed S (the seed to replay) or --schedule FILE; see 'faultline replay --help'");
    const setup = await setUpRun(out, positionals[0]!, flags);
    options = { ...setup.options, seed: seedValue(flags.seed) };
    replay = setup.replay;
  }
  const result = simulate({ ...options, trace: 'full' });
  const setup = { replay };
  const trace = result.trace ?? [];
  const slice = flags.slice ? causalSlice(trace) : undefined;
  if (flags.out !== undefined) writeJsonLines(out, flags.out, trace);
  const written = writeReplayOutputs(out, result, { ...(flags.html !== undefined ? { html: flags.html } : {}), ...(flags.shiviz !== undefined ? { shiviz: flags.shiviz } : {}) });

  if (flags.json) {
    out.out(
      JSON.stringify(
        {
          ok: result.ok,
          protocol: result.protocol,
          seed: result.seed,
          bug: result.bug ?? null,
          traceHash: result.traceHash,
          events: result.events,
          endMs: result.endMs,
          violation: result.violation ?? null,
          replay: setup.replay(result.seed),
          ...(flags.slice ? { slice: slice ? sliceReport(trace, slice) : null } : {}),
        },
        null,
        2,
      ),
    );
  } else {
    if (flags.trace || flags.around !== undefined || flags.node !== undefined) out.out(...replayTraceLines(out, result, flags), '');
    if (flags.slice) out.out(...(slice ? sliceStory(trace, slice, out.c, out.traceWidth) : [out.c.dim('no violation, so no causal slice')]), '');
    out.out(...summary(out, result, setup.replay(result.seed)));
    if (flags.out !== undefined) out.out(out.c.dim(`trace written to ${flags.out} (${count(trace.length, 'record')})`));
    out.out(...written);
  }
  return result.ok ? EXIT_OK : EXIT_VIOLATION;
}

function summary(out: Output, r: SimResult, command: string): string[] {
  const c = out.c;
  const name = `${r.protocol} seed ${r.seed}${r.bug ? ` (bug ${r.bug})` : ''}`;
  const v = r.violation;
  const lines = v
    ? [
        c.red.bold(`✗ ${name}: '${v.property}' violated at ${simMs(v.atMs)} ms (event ${grouped(v.eventIndex)})`),
        `  ${v.message}`,
      ]
    : [c.green.bold(`✓ ${name}: no property violated`)];
  const ops = r.history;
  const ok = ops.filter((o) => o.status === 'ok').length;
  const timedOut = ops.filter((o) => o.status === 'timeout').length;
  lines.push(
    `  ${c.dim('trace   ')} ${r.traceHash}`,
    `  ${c.dim('events  ')} ${grouped(r.events)} in ${simMs(r.endMs)} simulated ms`,
    `  ${c.dim('ops     ')} ${grouped(ops.length)} invoked, ${grouped(ok)} ok, ${grouped(timedOut)} timed out, ${grouped(ops.length - ok - timedOut)} pending`,
    `  ${c.dim('faults  ')} ${r.plan.length} fault events planned`,
    `  ${c.dim('command ')} ${command}`,
  );
  return lines;
}

function writeJsonLines(out: Output, file: string, records: readonly unknown[]): void {
  const abs = isAbsolute(file) ? file : resolve(out.cwd, file);
  try {
    writeFileSync(abs, records.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).join('\n') + (records.length ? '\n' : ''));
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${errorMessage(err)}`);
  }
}
