/**
 * Start-up: `faultline --help` as a user runs it (the bin, a fresh process each time)
 * beside bare `node -e 0`, the medians of interleaved runs in this one measurement. The
 * goal (issue 12) is at most 3x bare node.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = 9;
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'bin', 'faultline.js');

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
  wallMs(['-e', '0']); // warm the file cache
  wallMs([BIN, '--help']);
  for (let i = 0; i < RUNS; i++) {
    node.push(wallMs(['-e', '0']));
    cli.push(wallMs([BIN, '--help']));
  }
  const nodeMs = median(node);
  const cliMs = median(cli);
  return { 'node.startupMs': nodeMs, 'cli.startupMs': cliMs, 'cli.startupVsNode': cliMs / nodeMs };
}
