import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProtocolDefinition } from '@faultline/runtime';
import { main, type Io } from '../src/index.ts';
import { protocols } from './fixtures/builtins.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const CLI_ROOT = join(FIXTURES, '..', '..');
export const REPO_ROOT = join(CLI_ROOT, '..', '..');

/** The built-ins the tests see, so that they do not depend on the protocol library. */
export const BUILTINS: readonly ProtocolDefinition[] = protocols;
/** Where shrunk schedules go in tests: outside the repository. */
export const SCHEDULES_DIR = join(tmpdir(), `faultline-cli-test-schedules-${process.pid}`);
/** The same, for campaign worker threads. */
export const BUILTINS_MODULE = pathToFileURL(join(FIXTURES, 'builtins.ts')).href;

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `faultline <argv>` in-process, from the fixtures directory, with no TTY, and on one
 * thread unless `--workers` says otherwise (worker threads take about half a second to
 * start, more than the tests' small campaigns take to run).
 */
export async function run(argv: readonly string[], io: Partial<Io> = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    isTTY: false,
    cwd: FIXTURES,
    protocols: BUILTINS,
    protocolsModule: BUILTINS_MODULE,
    workers: 1,
    schedulesDir: SCHEDULES_DIR,
    env: {},
    ...io,
  });
  return { code, stdout, stderr };
}

/** Runs a command expected to print JSON and parses it. */
export async function runJson<T = any>(argv: readonly string[], io: Partial<Io> = {}): Promise<{ code: number; json: T; stderr: string }> {
  const r = await run(argv, io);
  return { code: r.code, json: JSON.parse(r.stdout) as T, stderr: r.stderr };
}
