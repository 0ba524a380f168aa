/**
 * Start-up: `faultline --help` and `faultline list` as a user runs them (the installed
 * package's bin over the compiled dist/, a fresh process each time) beside bare
 * `node -e 0`, the medians of interleaved runs in this one measurement. The goal
 * (issue 12) is at most 3x bare node for `--help`; `list` loads the protocol library.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = 9;
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'faultline', 'bin', 'faultline.js');

function wallMs(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bench startup: node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function startupFigures(): Record<string, number> {
  const node: number[] = [];
  const cli: number[] = [];
  const list: number[] = [];
  wallMs(['-e', '0']); // warm the file cache
  wallMs([BIN, '--help']);
  wallMs([BIN, 'list']);
  for (let i = 0; i < RUNS; i++) {
    node.push(wallMs(['-e', '0']));
    cli.push(wallMs([BIN, '--help']));
    list.push(wallMs([BIN, 'list']));
  }
  const nodeMs = median(node);
  const cliMs = median(cli);
  const listMs = median(list);
  return { 'node.startupMs': nodeMs, 'cli.startupMs': cliMs, 'cli.startupVsNode': cliMs / nodeMs, 'cli.listMs': listMs, 'cli.listVsNode': listMs / nodeMs };
}
