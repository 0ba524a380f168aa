import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_ROOT, REPO_ROOT } from './helpers.ts';

const exec = promisify(execFile);
const BIN = join('packages', 'cli', 'bin', 'faultline.js');

/** Runs the real bin in a child process, from the repository root. */
async function faultline(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('bin/faultline.js', () => {
  it('is an executable node script', () => {
    const bin = join(CLI_ROOT, 'bin', 'faultline.js');
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    accessSync(bin, constants.X_OK);
  });

  it('node packages/cli/bin/faultline.js list --json', async () => {
    const r = await faultline(['list', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(Array.isArray(JSON.parse(r.stdout).protocols)).toBe(true);
  });

  it("runs a user's .ts protocol with no build step and exits 1 on a violation, 2 on a mistake", async () => {
    const fixture = join('packages', 'cli', 'test', 'fixtures', 'counter.ts');
    const r = await faultline(['test', fixture, '--bug', 'local-count', '--seeds', '3', '--json', '--no-shrink']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).failures[0].replay).toBe(`faultline replay ${fixture} --seed 1 --bug local-count`);
    const bad = await faultline(['test', fixture, '--seeds', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("faultline test: --seeds must be an integer >= 1, not 'many'\n");
  });
});
