import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, resolveConfig, scheduleOptions, simulate, type TraceRecord } from '@faultline/simulator';
import { parseArgs, type CommandSpec } from '../args.ts';
import { EXIT_OK, UsageError, errorMessage } from '../errors.ts';
import { count } from '../format.ts';
import type { Output } from '../io.ts';
import { mergeReports } from '../merge-reports.ts';
import { loadProtocol } from '../protocol-loader.ts';
import { loadSchedule } from '../schedule-file.ts';
import type { TestReport } from '../test-report.ts';
import { campaignPlotData } from '../viz/plots/campaign-data.ts';
import { campaignSection } from '../viz/plots/campaign-plots.ts';
import { reportPage } from '../viz/plots/report-page.ts';
import { runPlotData } from '../viz/plots/run-data.ts';
import { runPlotsSection } from '../viz/plots/run-plots.ts';
import { writeText } from '../viz/replay-outputs.ts';

export const REPORT = {
  name: 'report',
  description:
    'Writes one self-contained HTML page (no script, nothing loaded from anywhere) with plots.\n' +
    'For runs: latency over time (a dot per operation by outcome, p50/p95/p99), throughput,\n' +
    'a timeline of each client\'s operations and messages sent and lost per node, with fault\n' +
    'periods shaded. Each FILE is a schedule written by faultline test (it is replayed) or a\n' +
    'trace saved with faultline replay --out. For a campaign: the FILEs are faultline test\n' +
    '--json reports (several shards are merged first): failures by property, when in the run\n' +
    'they happened, and shrunk sizes (see docs/visualizer.md).',
  positionals: [{ name: 'file', required: true, variadic: true, help: 'schedule files, saved traces (JSON lines), or test --json reports' }],
  flags: {
    out: { type: 'string', value: 'FILE', help: 'the HTML page to write (required)' },
    protocol: { type: 'string', value: 'P', help: "the protocol a schedule replays: a built-in name or a module path\n(default: the schedule's own protocol name, as a built-in)" },
  },
  examples: [
    'faultline report faultline-schedules/primary-backup-seed8.json --out pb-seed8.html',
    'faultline replay raft --seed 3 --out raft.jsonl && faultline report raft.jsonl --out raft.html',
    'faultline report shard-*.json --out campaign.html',
  ],
} as const satisfies CommandSpec;

type Input =
  | { readonly kind: 'schedule'; readonly path: string }
  | { readonly kind: 'trace'; readonly path: string; readonly trace: TraceRecord[] }
  | { readonly kind: 'test-report'; readonly path: string; readonly report: unknown };

export async function runReport(out: Output, argv: readonly string[]): Promise<number> {
  const { positionals, flags } = parseArgs(REPORT, argv);
  if (flags.out === undefined) throw new UsageError("faultline report: missing --out FILE (the HTML page to write); see 'faultline report --help'");
  const inputs = positionals.map((p) => readInput(p, out.cwd));
  const reports = inputs.filter((i) => i.kind === 'test-report');
  if (reports.length > 0 && reports.length < inputs.length)
    throw new UsageError(`faultline report: ${reports[0]!.path} is a test report and ${inputs.find((i) => i.kind !== 'test-report')!.path} is a run: report them apart`);
  let title: string;
  let sections: string[];
  if (reports.length > 0) {
    const report = reports.length === 1 ? testReport(reports[0]!.path, reports[0]!.report) : mergeReports(reports.map((r) => ({ name: r.path, report: r.report })));
    const data = campaignPlotData(report);
    title = data.title;
    sections = [campaignSection(data)];
  } else {
    const runs: { path: string; trace: readonly TraceRecord[] }[] = [];
    for (const i of inputs) runs.push({ path: i.path, trace: i.kind === 'trace' ? i.trace : await replaySchedule(out, i.path, flags.protocol) });
    const data = runs.map((r) => runPlotData(r.trace));
    title = data.length === 1 ? data[0]!.title : count(data.length, 'run');
    sections = data.map(runPlotsSection);
  }
  writeText(out, flags.out, reportPage(title, sections));
  out.out(out.c.dim(`report written to ${flags.out} (${title}; open it in a browser)`));
  return EXIT_OK;
}

/** A file's kind, from its content: a schedule or a test report is one JSON object, a saved trace is JSON lines starting with its config record. */
function readInput(path: string, cwd: string): Input {
  let text: string;
  try {
    text = readFileSync(isAbsolute(path) ? path : resolve(cwd, path), 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(code === 'ENOENT' ? `faultline report: file not found: ${path}` : `faultline report: cannot read ${path}: ${errorMessage(err)}`);
  }
  const what = `faultline report: ${path} is not a schedule (faultline test writes them), a saved trace (faultline replay --out) or a faultline test --json report`;
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  const o = whole as Record<string, unknown> | undefined;
  if (typeof o === 'object' && o !== null && !Array.isArray(o) && typeof o.k !== 'string') {
    if (o.faultline === 'schedule') return { kind: 'schedule', path };
    if (Array.isArray(o.failures) && typeof o.seedsRun === 'number') return { kind: 'test-report', path, report: whole };
    throw new UsageError(what);
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const trace: TraceRecord[] = [];
  for (const [k, line] of lines.entries()) {
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch (err) {
      throw new UsageError(k === 0 ? what : `faultline report: ${path} line ${k + 1} is not JSON: ${errorMessage(err)}`);
    }
    const rec = r as Partial<TraceRecord> | null;
    if (typeof rec !== 'object' || rec === null || typeof rec.k !== 'string' || typeof rec.t !== 'number' || typeof rec.i !== 'number')
      throw new UsageError(k === 0 ? what : `faultline report: ${path} line ${k + 1} is not a trace record ({ "i", "t", "k", ... })`);
    if (k === 0 && rec.k !== 'config') throw new UsageError(`${what}: its first line is a '${rec.k}' record, not the run's config`);
    trace.push(rec as TraceRecord);
  }
  if (trace.length === 0) throw new UsageError(`faultline report: ${path} is empty`);
  return { kind: 'trace', path, trace };
}

async function replaySchedule(out: Output, path: string, protocolArg: string | undefined): Promise<readonly TraceRecord[]> {
  const schedule = loadSchedule(path, out.cwd);
  const protocol = await loadProtocol(protocolArg ?? schedule.protocol, out.cwd, out.io.protocols);
  try {
    const options = scheduleOptions(protocol.definition, schedule);
    resolveConfig(options);
    return simulate({ ...options, trace: 'full' }).trace ?? [];
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`schedule ${path}: ${err.message}`);
    throw err;
  }
}

function testReport(path: string, report: unknown): TestReport {
  const r = report as TestReport;
  const ok = typeof r.protocol === 'string' && typeof r.firstSeed === 'string' && typeof r.events === 'number' && typeof r.wallMs === 'number' && typeof r.simulatedMs === 'number';
  if (!ok) throw new UsageError(`faultline report: ${path} looks like a test report but lacks protocol, firstSeed, events, simulatedMs or wallMs`);
  return r;
}
