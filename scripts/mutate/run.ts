/**
 * `npm run mutate`: applies each one-line mutation of scripts/mutate/mutations.ts to a copy
 * of its protocol, runs the protocol's own campaign on the copy (`faultline test`, its
 * default fault model and duration, --fail-fast, no shrinking; plus the mutation's own
 * `flags`, such as --no-ken, if it has any) and prints, per protocol, how
 * many mutations were caught within the seed budget and at which seed. A catch is
 * confirmed by running the unmutated protocol on that seed: if it fails there too, the
 * seed shows a protocol bug, not the mutation, and is reported as such.
 *
 *   npm run mutate [-- --protocol raft,bank] [--mutation ID] [--seeds 2000] [--workers N] [--json] [--keep]
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMutant } from './mutant.ts';
import { MUTATED_PROTOCOLS, type Mutation, type MutatedProtocol } from './mutations.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO, 'packages', 'cli', 'bin', 'faultline.js');
const MUTANTS = join(REPO, '.faultline', 'mutants');

interface Options {
  protocols: string[] | null;
  mutation: string | null;
  seeds: number;
  workers: number;
  json: boolean;
  keep: boolean;
}

type Outcome =
  | { kind: 'caught'; seed: string; property: string; message: string }
  | { kind: 'survived'; seedsRun: number }
  | { kind: 'original-fails'; seed: string; property: string }
  | { kind: 'error'; message: string };

interface Result {
  readonly protocol: string;
  readonly mutation: string;
  readonly breaks: string;
  readonly flags: readonly string[];
  readonly outcome: Outcome;
  readonly wallMs: number;
}

const USAGE = `Usage: npm run mutate -- [--protocol P[,P...]] [--mutation ID] [--seeds N] [--workers N] [--json] [--keep]

Runs each protocol's campaign on each of its one-line mutations (scripts/mutate/mutations.ts)
and prints how many were caught within N seeds (default 2000), and at which seed.`;

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { protocols: null, mutation: null, seeds: 2000, workers: availableParallelism(), json: false, keep: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const count = (text: string, flag: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, not '${text}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--protocol') o.protocols = value(i++, a).split(',');
    else if (a === '--mutation') o.mutation = value(i++, a);
    else if (a === '--seeds') o.seeds = count(value(i++, a), a);
    else if (a === '--workers') o.workers = count(value(i++, a), a);
    else if (a === '--json') o.json = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument '${a}'`);
  }
  const names = MUTATED_PROTOCOLS.map((p) => p.name);
  for (const p of o.protocols ?? []) if (!names.includes(p)) throw new Error(`no mutations for protocol '${p}' (known: ${names.join(', ')})`);
  if (o.mutation !== null && !MUTATED_PROTOCOLS.some((p) => (o.protocols === null || o.protocols.includes(p.name)) && p.mutations.some((m) => m.id === o.mutation)))
    throw new Error(`no mutation '${o.mutation}'${o.protocols === null ? '' : ` of ${o.protocols.join(', ')}`}`);
  return o;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function faultline(args: readonly string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

interface CampaignJson {
  ok: boolean;
  seedsRun: number;
  failures: { seed: string; property: string; message: string }[];
}

function campaignOf(run: Run): CampaignJson | string {
  if (run.code !== 0 && run.code !== 1) return `faultline test exited ${run.code}: ${run.stderr.trim().split('\n').slice(-5).join(' | ')}`;
  try {
    return JSON.parse(run.stdout) as CampaignJson;
  } catch {
    return `faultline test printed no JSON: ${run.stderr.trim().split('\n').slice(-5).join(' | ')}`;
  }
}

async function runMutation(p: MutatedProtocol, m: Mutation, o: Options): Promise<Outcome> {
  const mutant = writeMutant(REPO, MUTANTS, p, m);
  try {
    const base = ['--no-shrink', '--json', '--workers', String(o.workers), ...(m.flags ?? [])];
    const campaign = campaignOf(await faultline(['test', mutant.entry, '--seeds', String(o.seeds), '--fail-fast', ...base]));
    if (typeof campaign === 'string') return { kind: 'error', message: campaign };
    const first = campaign.failures[0];
    if (campaign.ok || first === undefined) return { kind: 'survived', seedsRun: campaign.seedsRun };
    const original = campaignOf(await faultline(['test', p.name, '--seed', first.seed, ...base]));
    if (typeof original === 'string') return { kind: 'error', message: original };
    if (!original.ok) return { kind: 'original-fails', seed: first.seed, property: original.failures[0]?.property ?? '?' };
    return { kind: 'caught', seed: first.seed, property: first.property, message: first.message };
  } finally {
    if (!o.keep) rmSync(mutant.dir, { recursive: true, force: true });
  }
}

/** One line on stderr, rewritten every second on a terminal; a plain line per mutation otherwise. */
function progress(label: string): () => void {
  const started = Date.now();
  if (!process.stderr.isTTY) {
    process.stderr.write(`${label} ...\n`);
    return () => undefined;
  }
  const draw = () => process.stderr.write(`\r\x1b[K${label}  ${Math.round((Date.now() - started) / 1000)} s`);
  draw();
  const timer = setInterval(draw, 1000);
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  };
}

function describe(o: Outcome): string {
  switch (o.kind) {
    case 'caught':
      return `caught at seed ${o.seed} (${o.property})`;
    case 'survived':
      return `SURVIVED ${o.seedsRun} seeds`;
    case 'original-fails':
      return `seed ${o.seed} fails unmutated too (${o.property}): a protocol bug, not this mutation; not counted`;
    case 'error':
      return `ERROR ${o.message}`;
  }
}

function print(results: readonly Result[], o: Options): void {
  const out: string[] = [];
  for (const p of MUTATED_PROTOCOLS) {
    const mine = results.filter((r) => r.protocol === p.name);
    if (mine.length === 0) continue;
    const caught = mine.filter((r) => r.outcome.kind === 'caught').length;
    out.push(`${p.name}: ${caught} of ${mine.length} caught within ${o.seeds} seeds`);
    const label = (r: Result) => [r.mutation, ...r.flags].join(' ');
    const width = Math.max(...mine.map((r) => label(r).length));
    for (const r of mine) out.push(`  ${label(r).padEnd(width)}  ${describe(r.outcome)}  ${(r.wallMs / 1000).toFixed(1)} s`);
  }
  const caught = results.filter((r) => r.outcome.kind === 'caught').length;
  out.push(`total: ${caught} of ${results.length} mutations caught`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<number> {
  let o: Options;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`mutate: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!existsSync(join(REPO, 'packages', 'cli', 'dist', 'bin.js'))) {
    process.stderr.write('mutate: the CLI is not built; run `npm run build` (npm run mutate does it first)\n');
    return 2;
  }
  const todo = MUTATED_PROTOCOLS.filter((p) => o.protocols === null || o.protocols.includes(p.name)).flatMap((p) =>
    p.mutations.filter((m) => o.mutation === null || m.id === o.mutation).map((m) => ({ p, m })),
  );
  const results: Result[] = [];
  for (const [k, { p, m }] of todo.entries()) {
    const stop = progress(`[${k + 1}/${todo.length}] ${p.name}/${[m.id, ...(m.flags ?? [])].join(' ')}`);
    const started = Date.now();
    let outcome: Outcome;
    try {
      outcome = await runMutation(p, m, o);
    } catch (e) {
      outcome = { kind: 'error', message: (e as Error).message };
    } finally {
      stop();
    }
    results.push({ protocol: p.name, mutation: m.id, breaks: m.breaks, flags: m.flags ?? [], outcome, wallMs: Date.now() - started });
    if (!process.stderr.isTTY) process.stderr.write(`  ${describe(outcome)}\n`);
  }
  if (o.json) process.stdout.write(`${JSON.stringify({ seeds: o.seeds, results }, null, 2)}\n`);
  else print(results, o);
  return results.some((r) => r.outcome.kind === 'error') ? 2 : 0;
}

process.exitCode = await main();
