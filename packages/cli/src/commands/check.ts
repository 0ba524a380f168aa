import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FAULT_KINDS, type FaultKind } from '@faultline/runtime';
import {
  CheckModel,
  DEFAULT_CHECK_REQUESTS,
  PathMonitor,
  check,
  statesAlong,
  type CheckProgress,
  type CheckResult,
  type Choice,
  type ModelOptions,
} from '@faultline/simulator';
import { parseArgs, type CommandSpec } from '../args.ts';
import { EXIT_OK, EXIT_VIOLATION, UsageError, errorMessage } from '../errors.ts';
import { parseFaultList } from '@faultline/simulator';
import { duration, grouped } from '../format.ts';
import type { Output } from '../io.ts';
import { loadProtocol } from '../protocol-loader.ts';
import { shellQuote } from '@faultline/simulator';
import { readJsonFile } from '@faultline/simulator';
import { checkOnWorkers } from './check-workers.ts';

/** Where a failing check's path is written when `--out` is not given. */
export const DEFAULT_CHECKS_DIR = 'faultline-checks';
const REDRAW_EVERY_MS = 200;

export const CHECK = {
  name: 'check',
  description:
    'A bounded exhaustive search in an untimed model: from the start (every node started,\n' +
    '--requests client requests in flight), any pending delivery, timer, client retry or,\n' +
    'within the fault model, drop, duplicate, crash or restart may happen next (--timed:\n' +
    'timers only in the order they are due, --skew MS early). States are\n' +
    'hashed canonically so that each is expanded once; always-properties are checked in\n' +
    'every state. Then random walks of the healed system from the frontier check the\n' +
    'eventually-properties; for a walk that never reaches them, the critical transition\n' +
    '(the step after which no walk can) is found by binary search. A violation is written\n' +
    "as a path that 'faultline replay <protocol> --choices FILE' replays step by step.\n" +
    'With --workers N the states are split between N worker threads, each expanding its\n' +
    'own; the result is the same as on one thread.\n' +
    'Exits 1 on a violation, 0 otherwise, 2 on bad input.',
  positionals: [{ name: 'protocol', required: true, help: 'a built-in protocol name, or a path to a module exporting one' }],
  flags: {
    depth: { type: 'integer', value: 'D', min: 0, help: 'actions from the initial state, at most (required)' },
    bug: { type: 'string', value: 'NAME', help: 'check the named seeded bug variant' },
    faults: { type: 'string', value: 'LIST', help: `fault kinds (default: the protocol's): drop, duplicate, reorder, crash\n(delay, pause, skew and partition add nothing untimed but drops)` },
    requests: { type: 'integer', value: 'N', min: 0, help: `client requests in flight at the start, one per client (default ${DEFAULT_CHECK_REQUESTS})` },
    timed: { type: 'boolean', help: 'timers fire in the order they are due, by a logical clock only timers\nadvance (messages take no time): for failure detectors and leases' },
    skew: { type: 'integer', value: 'MS', min: 0, help: 'with --timed: a timer may fire up to MS ms before its turn (clocks\nthat drift apart; default 0)' },
    warmup: { type: 'integer', value: 'N', min: 0, help: 'first run the healed system, requests held back, until its\neventually-properties hold (at most N actions); search from there,\nthen, if nothing failed within the budget, from the initial state' },
    directed: { type: 'boolean', help: "best first toward states where the always-properties' inputs take new\nvalues, instead of breadth first: the same states within the depth,\ndeep bugs sooner, paths not shortest (no sleep sets)" },
    'no-sleep-sets': { type: 'boolean', help: 'turn off the partial-order reduction (sleep sets: the same states, fewer\nsteps taken; on by default)' },
    symmetric: { type: 'string', value: 'IDS', help: "nodes or clients the protocol treats alike, e.g. n2,n3,n4 or c1,c2\n(groups split by '/'): a state and its images under renaming them count\nonce; sound only if they really are alike (no id inside a longer string,\nno random draws; clients must send to one node, or to nodes of a group)" },
    'max-states': { type: 'integer', value: 'N', min: 1, help: 'unique states, at most (default 200,000)' },
    walks: { type: 'integer', value: 'N', min: 0, help: 'random walks from the frontier (default 100)' },
    'walk-depth': { type: 'integer', value: 'M', min: 1, help: 'actions per walk, at most (default 500)' },
    seed: { type: 'string', value: 'S', help: 'seeds the workload, the nodes\' random draws and the walks (default check)' },
    out: { type: 'string', value: 'FILE', help: `where a violation's path is written (default ./${DEFAULT_CHECKS_DIR}/<protocol>.json)` },
    workers: { type: 'integer', value: 'N', min: 1, help: 'worker threads sharing the search (default 1: this thread); the same\nstates, counts and first violation as one thread' },
    json: { type: 'boolean', help: 'print { ok, statesExplored, statesUnique, depth, violation, ... }' },
  },
  examples: ['faultline check bank --depth 8', 'faultline check primary-backup --depth 6 --workers 2', 'faultline check ./my-protocol.ts --depth 6 --faults drop,crash --json', 'faultline check ./lease.ts --depth 16 --timed --skew 50'],
} as const satisfies CommandSpec;

/** A failing check's path, as `--choices FILE` reads it. */
export interface ChoicesFile {
  readonly faultline: 'choices';
  readonly version: 1;
  readonly protocol: string;
  readonly bug: string | null;
  readonly faults: readonly FaultKind[] | null;
  readonly requests: number;
  readonly seed: string;
  /** The timed model's options (absent in files written before it: untimed). */
  readonly timed?: boolean;
  readonly skewMs?: number;
  readonly property: string;
  readonly kind: 'safety' | 'liveness';
  /** How many of `choices` are the warm-up's: the properties are shown the path from there on, as in the search. */
  readonly warmupSteps: number;
  readonly choices: readonly Choice[];
}

export async function runCheck(out: Output, argv: readonly string[]): Promise<number> {
  const { positionals, flags } = parseArgs(CHECK, argv);
  if (flags.depth === undefined) throw new UsageError("faultline check: missing --depth D; see 'faultline check --help'");
  const protocol = await loadProtocol(positionals[0]!, out.cwd, out.io.protocols);
  const def = protocol.definition;
  if (flags.bug !== undefined && !def.bugs.some((b) => b.name === flags.bug))
    throw new UsageError(`protocol ${def.name} has no bug variant '${flags.bug}' (known: ${def.bugs.map((b) => b.name).join(', ') || 'none'})`);
  const faults = flags.faults !== undefined ? parseFaultList(flags.faults) : undefined;
  if (flags.skew !== undefined && flags.timed !== true) throw new UsageError('faultline check: --skew needs --timed (untimed, any timer may fire next already)');
  const model: ModelOptions = { protocol: def, bug: flags.bug, faults, requests: flags.requests, seed: flags.seed ?? 'check', timed: flags.timed, skewMs: flags.skew };
  const started = out.now();
  let lastDraw = -Infinity;
  const draw = out.isTTY && !flags.json;
  const onProgress = (p: CheckProgress) => {
    const t = out.now();
    if (!draw || t - lastDraw < REDRAW_EVERY_MS) return;
    lastDraw = t;
    const rate = t > started ? Math.round((p.statesExplored * 1000) / (t - started)) : 0;
    out.io.stderr.write(`\r\x1b[2Kdepth ${p.depth}: ${grouped(p.statesExplored)} states, ${grouped(p.statesUnique)} unique, frontier ${grouped(p.frontier)} (${grouped(rate)}/s)`);
  };
  const symmetric = flags.symmetric?.split('/').map((g) => g.split(',').map((id) => id.trim()).filter((id) => id !== ''));
  const directed = flags.directed === true;
  const sleepSets = flags['no-sleep-sets'] !== true && !directed;
  const reductions = [...(directed ? ['directed search (best first, no sleep sets)'] : []), ...(sleepSets ? ['sleep sets'] : []), ...(symmetric ?? []).map((g) => `symmetry over ${g.join(', ')}`)];
  const workers = flags.workers ?? 1;
  if (workers > 1 && directed) throw new UsageError('faultline check: --directed searches best first on one thread; --workers splits the breadth-first search (use one of them)');
  if (workers > 1 && protocol.source === 'builtin' && out.io.protocols !== undefined && out.io.protocolsModule === undefined)
    throw new Error('Io.protocols was given without Io.protocolsModule: worker threads cannot load these built-ins (use --workers 1)');
  const { protocol: definition, ...modelRest } = model;
  const shared = { ...modelRest, depth: flags.depth, sleepSets, directed, ...(symmetric !== undefined ? { symmetric } : {}), maxStates: flags['max-states'], warmup: flags.warmup, walks: flags.walks, walkDepth: flags['walk-depth'] };
  const options = { ...shared, protocol: definition };
  let result: CheckResult;
  try {
    result =
      workers > 1
        ? await checkOnWorkers({ protocolArg: positionals[0]!, cwd: out.cwd, ...(out.io.protocolsModule !== undefined ? { protocolsModule: out.io.protocolsModule } : {}), options: shared }, { ...options, onProgress }, workers)
        : check({ ...options, onProgress });
  } catch (err) {
    if (err instanceof RangeError && symmetric !== undefined) throw new UsageError(`faultline check --symmetric: ${err.message}`);
    throw err;
  }
  if (draw) out.io.stderr.write('\r\x1b[2K');
  const wallMs = out.now() - started;
  const failure = result.violation ?? (result.liveness?.verdict === 'violated' ? result.liveness : undefined);
  let replay: string | undefined;
  if (failure !== undefined) {
    const file: ChoicesFile = {
      faultline: 'choices',
      version: 1,
      protocol: def.name,
      bug: flags.bug ?? null,
      faults: faults ?? null,
      requests: new CheckModel(model).requests,
      seed: model.seed!,
      ...(model.timed === true ? { timed: true, skewMs: model.skewMs ?? 0 } : {}),
      property: failure.property,
      kind: result.violation ? 'safety' : 'liveness',
      warmupSteps: failure.warmupSteps,
      choices: failure.path,
    };
    const path = writeChoices(out, flags.out ?? join(DEFAULT_CHECKS_DIR, `${def.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`), file);
    replay = ['faultline', 'replay', protocol.arg, '--choices', path].map(shellQuote).join(' ');
  }
  if (flags.json) out.out(JSON.stringify({ ...result, reductions, wallMs: Math.round(wallMs), ...(replay ? { replay } : {}) }, null, 2));
  else out.out(...report(out, result, reductions, wallMs, replay));
  return result.ok ? EXIT_OK : EXIT_VIOLATION;
}

function report(out: Output, r: CheckResult, reductions: readonly string[], wallMs: number, replay: string | undefined): string[] {
  const c = out.c;
  const name = `${r.protocol}${r.bug ? ` (bug ${r.bug})` : ''}`;
  const lines: string[] = [];
  const v = r.violation;
  if (v) {
    lines.push(c.red.bold(`✗ ${name}: '${v.property}' violated after ${grouped(v.depth)} steps (found by the ${v.foundBy === 'search' ? 'search' : 'random walks'})`), `  ${v.message}`);
    v.path.forEach((s, k) => lines.push(`  ${c.dim(String(k + 1).padStart(4))} ${s.label}`));
  }
  const l = r.liveness;
  if (l) {
    const head = l.verdict === 'violated' ? c.red.bold(`✗ ${name}: '${l.property}' can no longer become true`) : c.yellow(`? ${name}: a walk never reached '${l.property}' (inconclusive)`);
    lines.push(head, `  ${l.message}`);
    const ct = l.critical;
    if (ct.found) {
      lines.push(`  ${c.dim('critical transition:')} step ${ct.step} of ${l.path.length}: ${c.bold(ct.label)}`);
      l.path.slice(0, ct.step).forEach((s, k) => lines.push(`  ${c.dim(String(k + 1).padStart(4))} ${k + 1 === ct.step ? c.bold(s.label) : s.label}`));
    } else
      lines.push(
        `  ${c.dim('no critical transition:')} ${ct.reason === 'dead-at-start' ? 'walks do not reach it even from the initial state (longer --walk-depth?)' : 'walks from the end of the failing walk reach it (an unlucky walk)'}`,
      );
  }
  if (replay) lines.push(`  ${c.dim('replay:')} ${c.cyan(replay)}`);
  if (lines.length > 0) lines.push('');
  if (r.ok) lines.push(c.green.bold(`✓ ${name}: no property violated within depth ${r.depth}`));
  if (r.warmup) lines.push(`  ${c.dim('warm-up')} ${grouped(r.warmup.steps)} actions${r.warmup.reached ? ', to a state where the eventually-properties hold' : ' (the eventually-properties never held: the search starts where it stopped)'}`);
  if (r.warmup?.fromInitial) lines.push(`  ${c.dim('then   ')} nothing failed from the warm-up's end: searched again from the initial state (depth and coverage below are that search's)`);
  const coverage = r.violation?.foundBy === 'search' ? 'stopped at the violation' : r.coverage === 'exhausted' ? 'every reachable state' : r.coverage === 'budget' ? `stopped at --max-states, every state within depth ${r.depth - 1}, part of depth ${r.depth}` : `every state within depth ${r.depth}`;
  lines.push(
    `  ${c.dim('model  ')} ${r.model}`,
    `  ${c.dim('reduced')} ${reductions.join('; ') || 'no reductions'}`,
    `  ${c.dim('states ')} ${grouped(r.statesExplored)} explored, ${grouped(r.statesUnique)} unique (${coverage})`,
    `  ${c.dim('walks  ')} ${grouped(r.walks.run)} from the frontier, ${grouped(r.walks.failed)} never reached the eventually-properties`,
    `  ${c.dim('time   ')} ${duration(wallMs)}`,
  );
  return lines;
}

function writeChoices(out: Output, path: string, file: ChoicesFile): string {
  const abs = isAbsolute(path) ? path : resolve(out.cwd, path);
  try {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, JSON.stringify(file, null, 2) + '\n');
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${errorMessage(err)}`);
  }
  return path;
}

/** `faultline replay <protocol> --choices FILE`: replays a check's path step by step and prints it. */
export async function runChoicesReplay(out: Output, protocolArg: string, path: string, json: boolean): Promise<number> {
  const protocol = await loadProtocol(protocolArg, out.cwd, out.io.protocols);
  const file = readChoices(path, out.cwd);
  if (file.protocol !== protocol.definition.name) throw new UsageError(`choices ${path} are for protocol ${file.protocol}, not ${protocol.definition.name}`);
  const model = new CheckModel({ protocol: protocol.definition, bug: file.bug ?? undefined, faults: file.faults ?? undefined, requests: file.requests, seed: file.seed, timed: file.timed, skewMs: file.skewMs });
  let along;
  try {
    along = statesAlong(model, file.choices);
  } catch (err) {
    throw new UsageError(`choices ${path}: ${errorMessage(err)}`);
  }
  const last = along.states[along.states.length - 1]!;
  const monitor = PathMonitor.along(model, along.states.slice(file.warmupSteps, -1));
  const violation = along.error ?? monitor.check(last, model.always, 'running') ?? (file.kind === 'liveness' ? monitor.check(last, model.eventually, 'quiescent') : undefined);
  if (json) {
    out.out(JSON.stringify({ ok: violation === undefined, protocol: file.protocol, steps: file.choices.length, violation: violation ?? null }, null, 2));
  } else {
    const c = out.c;
    along.actions.forEach((_a, k) => {
      const s = along.states[k + 1]!;
      const nodes = s.nodes.filter((n) => n.started).map((n) => `${n.id}${n.up ? '' : '(down)'}`).join(' ');
      out.out(`${c.dim(String(k + 1).padStart(4))} ${file.choices[k]!.label}`, `     ${c.dim(`${nodes}; in flight: ${s.msgs.length} messages, ${s.reqs.length} requests, ${s.resps.length} replies; ops ${s.ops.map((o) => `${o.id}:${o.status}`).join(' ')}`)}`);
    });
    out.out(
      '',
      violation
        ? c.red.bold(`✗ ${file.protocol}: '${violation.property}' ${file.kind === 'liveness' ? 'does not hold' : 'violated'} after ${file.choices.length} steps`) + `\n  ${violation.message}`
        : c.green.bold(`✓ ${file.protocol}: no property violated after ${file.choices.length} steps`),
    );
  }
  return violation === undefined ? EXIT_OK : EXIT_VIOLATION;
}

function readChoices(path: string, cwd: string): ChoicesFile {
  const v = readJsonFile(path, cwd, 'choices') as Partial<ChoicesFile> | null;
  const problems: string[] = [];
  if (v === null || typeof v !== 'object') problems.push('it must be a JSON object written by faultline check');
  else {
    if (v.faultline !== 'choices' || v.version !== 1) problems.push('"faultline" must be "choices" and "version" 1');
    if (!Array.isArray(v.choices) || !v.choices.every((c) => Number.isInteger(c?.i) && typeof c?.label === 'string')) problems.push('"choices" must be a list of { i, label }');
    if (typeof v.protocol !== 'string' || typeof v.seed !== 'string' || !Number.isInteger(v.requests)) problems.push('"protocol", "seed" and "requests" are required');
    if (!(Number.isInteger(v.warmupSteps) && v.warmupSteps! >= 0 && v.warmupSteps! <= (v.choices?.length ?? 0))) problems.push('"warmupSteps" must be an integer from 0 to the number of choices');
    if (v.timed !== undefined && typeof v.timed !== 'boolean') problems.push('"timed" must be a boolean');
    if (v.skewMs !== undefined && !(Number.isInteger(v.skewMs) && v.skewMs >= 0 && v.timed === true)) problems.push('"skewMs" must be an integer >= 0, with "timed"');
    if (v.faults !== null && !(Array.isArray(v.faults) && v.faults.every((f) => (FAULT_KINDS as readonly unknown[]).includes(f)))) problems.push('"faults" must be null or fault kinds');
  }
  if (problems.length > 0) throw new UsageError(`choices ${path}: ${problems.join('; ')}`);
  return v as ChoicesFile;
}

