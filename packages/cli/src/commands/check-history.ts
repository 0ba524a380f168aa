import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Operation } from '@faultline/runtime';
import { LINEARIZABLE_WORDING, SEQUENTIAL_WORDING, checkCausal, checkLinearizability, checkSequential, explainViolation, msWindow, type KvReq, type KvRes } from '@faultline/simulator';
import { closest } from '@faultline/simulator/input-errors';
import { parseArgs, type CommandSpec } from '../args.ts';
import { EXIT_OK, EXIT_VIOLATION, UsageError, errorMessage } from '../errors.ts';
import { count, grouped } from '../format.ts';
import type { Output } from '../io.ts';
import { HistoryInputError } from '../history/history-events.ts';
import { HISTORY_MODELS, type HistoryModel } from '../history/history-models.ts';
import { FORMAT_NAMES, HISTORY_FORMATS, detectFormat, loadHistory, type LoadedHistory } from '../history/load-history.ts';
import { timelinePage } from '../history/timeline-html.ts';
import { loadUserModel } from '../history/user-model.ts';

const LEVELS = ['linearizable', 'sequential', 'causal'] as const;
type Level = (typeof LEVELS)[number];

export const CHECK_HISTORY = {
  name: 'check-history',
  description:
    'Reads a history of client operations and checks it against a model at a consistency\n' +
    'level: linearizable (one order respecting real time), sequential (one order keeping\n' +
    "each client's order) or causal (kv and cas-register only). A violation is shrunk to\n" +
    'the few operations that cannot be ordered, printed with their lines in the file.\n' +
    "Formats: Jepsen EDN histories (:invoke/:ok/:fail/:info; :info is open: it may take\n" +
    'effect later or never; :fail did not happen), Jepsen logs as Porcupine reads them,\n' +
    "and faultline's JSON lines (a trace from 'faultline replay --out', or one operation\n" +
    'per line). Exits 0 when the history passes, 1 on a violation or when the search ran\n' +
    'out of budget (inconclusive), 2 on bad input.',
  positionals: [{ name: 'file', required: true, help: 'the history file' }],
  flags: {
    model: { type: 'string', value: 'M', help: `${HISTORY_MODELS.map((m) => m.name).join(', ')}, or a path to a module exporting a model` },
    level: { type: 'string', value: 'L', help: 'linearizable (default), sequential or causal' },
    format: { type: 'string', value: 'F', help: 'edn, porcupine or jsonl (default: detected from the first lines)' },
    'max-steps': { type: 'integer', value: 'N', min: 1, help: 'model steps the search may take (per key for linearizable; default 2,000,000)' },
    html: { type: 'string', value: 'OUT', help: 'write a page drawing the operations per client, the violation highlighted' },
    json: { type: 'boolean', help: 'print { ok, outcome, level, model, format, operations, steps, core, context, explanation }' },
  },
  examples: [
    'faultline check-history history.edn --model cas-register',
    'faultline check-history etcd_000.log --model cas-register --html etcd.html',
    'faultline replay primary-backup --seed 3 --out t.jsonl && faultline check-history t.jsonl --model kv --level sequential',
    'faultline check-history h.edn --model ./my-model.ts --json',
  ],
} as const satisfies CommandSpec;

/** What a check found, in the command's terms. */
export interface HistoryVerdict {
  readonly outcome: 'ok' | 'violation' | 'unknown';
  readonly steps: number;
  readonly explanation: string;
  readonly core: readonly Operation[];
  readonly context: readonly Operation[];
}

export async function runCheckHistory(out: Output, argv: readonly string[]): Promise<number> {
  const { positionals, flags } = parseArgs(CHECK_HISTORY, argv);
  const file = positionals[0]!;
  const level = oneOf('level', flags.level ?? 'linearizable', LEVELS);
  if (flags.model === undefined) throw new UsageError(`faultline check-history: --model is required (${HISTORY_MODELS.map((m) => m.name).join(', ')}, or a module path)`);
  const hm = await resolveModel(flags.model, out.cwd);
  if (level === 'causal' && !hm.causal) throw new UsageError(`faultline check-history: --level causal checks the kv and cas-register models only, not ${hm.name}`);
  const text = readText(file, out.cwd);
  const format = flags.format === undefined ? detectFormat(text) : oneOf('format', flags.format, HISTORY_FORMATS);
  let history: LoadedHistory;
  try {
    history = loadHistory(text, format, hm.translate);
  } catch (err) {
    if (err instanceof HistoryInputError) throw new UsageError(`${file} (${FORMAT_NAMES[format]}): ${err.message}`);
    throw err;
  }
  const lines = new Map(history.ops.map((s) => [s.op, s.lines] as const));
  const window = (op: Operation) => {
    if (history.timeUnit === 'ms') return msWindow(op);
    const [a, b] = lines.get(op)!;
    return `[line ${a} .. ${op.status === 'ok' ? `line ${b}` : 'no reply'}]`;
  };
  const verdict = check(history.ops.map((s) => s.op), hm, level, flags['max-steps'], window);
  const source = `${count(history.ops.length, 'operation')} of ${file} (${FORMAT_NAMES[format]}), model ${hm.name}`;
  if (flags.html !== undefined) writePage(out, flags.html, timelinePage({ title: `${file}: ${verdictWords(verdict, level)}`, history, model: hm.model, verdict, summary: source }));
  const ok = verdict.outcome === 'ok';
  if (flags.json) {
    const opJson = (op: Operation) => ({ process: op.client, id: op.id, lines: lines.get(op), description: (hm.model.describe ?? ((r) => JSON.stringify(r)))(op.req, op.status === 'ok' ? op.result : undefined), status: op.status });
    out.out(
      JSON.stringify(
        { ok, outcome: verdict.outcome, level, model: hm.name, format, operations: history.ops.length, failedLeftOut: history.failed, skipped: history.skipped, steps: verdict.steps, core: verdict.core.map(opJson), context: verdict.context.map(opJson), explanation: verdict.explanation },
        null,
        2,
      ),
    );
  } else {
    const c = out.c;
    const head = ok ? c.green.bold(`✓ ${verdictWords(verdict, level)}`) : c.red.bold(`✗ ${verdictWords(verdict, level)}`);
    out.out(`${head}: ${source}`);
    if (verdict.explanation !== '') out.out(verdict.explanation);
    const left = [history.failed > 0 ? `${count(history.failed, ':fail operation')} left out (they did not happen)` : '', history.skipped > 0 ? `${grouped(history.skipped)} non-operation entries skipped` : ''].filter((x) => x !== '');
    out.out(c.dim(`${count(verdict.steps, 'search step')}${left.length ? `; ${left.join('; ')}` : ''}`));
    if (flags.html !== undefined) out.out(c.dim(`timeline written to ${flags.html}`));
  }
  return ok ? EXIT_OK : EXIT_VIOLATION;
}

function verdictWords(v: HistoryVerdict, level: Level): string {
  const name = level === 'linearizable' ? 'linearizable' : level === 'sequential' ? 'sequentially consistent' : 'causally consistent';
  return v.outcome === 'ok' ? name : v.outcome === 'unknown' ? `inconclusive (${name}?)` : `not ${name}`;
}

/** Runs the level's checker; the explanation's windows are printed by `window`. */
export function check(ops: readonly Operation[], hm: HistoryModel, level: Level, maxSteps: number | undefined, window: (op: Operation) => string): HistoryVerdict {
  const options = maxSteps === undefined ? {} : { maxSteps };
  if (level === 'causal') {
    const r = checkCausal(ops as Operation<KvReq, KvRes>[]);
    if (r.outcome === 'ok') return { outcome: 'ok', steps: 0, explanation: '', core: [], context: [] };
    if (r.outcome === 'unknown') return { outcome: 'unknown', steps: 0, explanation: r.reason, core: [], context: [] };
    return { outcome: 'violation', steps: 0, explanation: r.explanation, core: r.operations as Operation[], context: [] };
  }
  const r = level === 'linearizable' ? checkLinearizability(ops, hm.model, options) : checkSequential(ops, hm.model, options);
  if (r.outcome === 'ok') return { outcome: 'ok', steps: r.steps, explanation: '', core: [], context: [] };
  if (r.outcome === 'unknown') return { outcome: 'unknown', steps: r.steps, explanation: `${r.reason}; raise --max-steps`, core: [], context: [] };
  const key = 'key' in r ? (r.key as string | undefined) : undefined;
  const wording = level === 'linearizable' ? LINEARIZABLE_WORDING : SEQUENTIAL_WORDING;
  return { outcome: 'violation', steps: r.steps, explanation: explainViolation(key, r.core, r.context, hm.model, r.minimal, wording, window), core: r.core, context: r.context };
}

async function resolveModel(name: string, cwd: string): Promise<HistoryModel> {
  const builtIn = HISTORY_MODELS.find((m) => m.name === name);
  if (builtIn !== undefined) return builtIn;
  if (/[/\\.]/.test(name)) return loadUserModel(name, cwd);
  const near = closest(name, HISTORY_MODELS.map((m) => m.name));
  throw new UsageError(`faultline check-history: unknown model '${name}'${near ? ` (did you mean '${near}'?)` : ''}; models: ${HISTORY_MODELS.map((m) => m.name).join(', ')}, or a path like ./my-model.ts`);
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const near = closest(value, allowed);
  throw new UsageError(`faultline check-history: --${flag} must be one of ${allowed.join(', ')}, not '${value}'${near ? ` (did you mean '${near}'?)` : ''}`);
}

function readText(file: string, cwd: string): string {
  try {
    return readFileSync(isAbsolute(file) ? file : resolve(cwd, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`faultline check-history: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : errorMessage(err)}`);
  }
}

function writePage(out: Output, file: string, html: string): void {
  try {
    writeFileSync(isAbsolute(file) ? file : resolve(out.cwd, file), html);
  } catch (err) {
    throw new UsageError(`faultline check-history: cannot write ${file}: ${errorMessage(err)}`);
  }
}

