import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ROOT } from './helpers.ts';

// A directory outside the repository, so that no node_modules above it has faultline.
const outside = mkdtempSync(join(tmpdir(), 'faultline-outside-'));
afterAll(() => rmSync(outside, { recursive: true, force: true }));
const BIN = join(CLI_ROOT, 'bin', 'faultline.js');

/** Runs the real command (as a user does) in `cwd`; returns its stderr and exit code. */
function faultline(args: string[], cwd: string): { code: number; stderr: string } {
  try {
    execFileSync(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stderr: string };
    return { code: e.status, stderr: e.stderr };
  }
}

describe('a user module that cannot load says why', () => {
  it('outside a project with faultline installed, it names the missing package', () => {
    writeFileSync(join(outside, 'p.ts'), "import { defineProtocol } from '@faultline/runtime';\nexport default defineProtocol({} as never);\n");
    const r = faultline(['list', './p.ts'], outside);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot load protocol module \.\/p\.ts: it imports '@faultline\/runtime', which is not installed where the file is/);
    expect(r.stderr).not.toMatch(/in a cycle/);
  });

  it('a syntax error keeps its location', () => {
    const dir = mkdtempSync(join(outside, 'mod-'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'bad.ts'), "export const x = 1;\nexport default {\n  name: 'x' +,\n};\n");
    const r = faultline(['list', './bad.ts'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot load protocol module \.\/bad\.ts: syntax error at \.\/bad\.ts:3:13: Unexpected ","/);
  });

  it('a .ts file loaded as CommonJS is told how to become a module', () => {
    const dir = mkdtempSync(join(outside, 'cjs-'));
    writeFileSync(join(dir, 'bad.ts'), "export default {\n  name: 'x' +,\n};\n");
    const r = faultline(['list', './bad.ts'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/loaded as CommonJS .*add "type": "module"/);
  });
});
