/**
 * faultline as a user gets it: the packages packed with `npm pack`, installed from the
 * tarballs into a new project outside this repository (no workspace links), and used
 * there the way the README's "Use it in your own project" says: a protocol and a vitest
 * test of the user's own, type-checked under a strict NodeNext tsconfig with no
 * allowImportingTsExtensions or skipLibCheck; `faultline test` on the protocol; the
 * package imported from compiled JavaScript under plain node; and `faultline init`,
 * whose project passes its own tests.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = join(REPO, 'test', 'fixtures', 'outside-project');
/** The workspaces, in the root package.json's order. */
const PACKAGES = ['runtime', 'ken-checkpoint', 'simulator', 'protocols', 'cli', 'testing', 'faultline'];
const INSTALL_MS = 600_000;
const STEP_MS = 300_000;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without npm's own variables (nothing of this repository's npm run leaks in), and no colours. */
const cleanEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && !['INIT_CWD', 'NODE_OPTIONS', 'FORCE_COLOR'].includes(k))),
  NO_COLOR: '1',
});

function run(cmd: string, args: readonly string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 99;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fails with everything the command printed when it did not exit with `code`. */
function expectExit(r: Ran, code: number): void {
  if (r.code !== code) throw new Error(`exit ${r.code}, expected ${code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

const rootPackage = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const toolVersions = ['vitest', 'typescript', '@types/node'].map((name) => `${name}@${rootPackage.devDependencies[name]}`);

let work: string;
let project: string;
let tarballs: string[];

/** npm install of the tarballs (and the user's own tools) into `dir`. */
async function install(dir: string, tools: readonly string[] = []): Promise<void> {
  expectExit(await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, ...tools], dir), 0);
}

describe('a project outside the repository, installed from packed tarballs', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'faultline-outside-'));
    const packed = await run(process.execPath, [join(REPO, 'scripts', 'pack.mjs'), join(work, 'packs')], REPO);
    expectExit(packed, 0);
    tarballs = packed.stdout.trim().split('\n');
    expect(tarballs.map((t) => t.replace(/^.*[\\/]/, ''))).toEqual(PACKAGES.map((p) => (p === 'faultline' ? 'faultline-0.1.0.tgz' : `faultline-${p}-0.1.0.tgz`)));
    for (const tarball of tarballs) {
      const list = await run('tar', ['-tzf', tarball], work);
      expectExit(list, 0);
      const paths = list.stdout.trim().split('\n').map((p) => p.replace(/^package\//, ''));
      // The tests of `faultline init`'s project are part of what it writes, not faultline's own.
      const ownTests = paths.filter((p) => !p.startsWith('dist/templates/') && /(^|\/)test\/|\.test\.ts$/.test(p));
      expect(ownTests, `${tarball} ships tests`).toEqual([]);
      expect(paths.some((p) => p.startsWith('dist/') && p.endsWith('.d.ts')), `${tarball} has no .d.ts`).toBe(true);
      expect(paths, `${tarball} has no README`).toContain('README.md');
    }
    project = join(work, 'project');
    cpSync(FIXTURE, project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-protocol', private: true, type: 'module' }, null, 2));
    await install(project, toolVersions);
  }, INSTALL_MS);

  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  }, STEP_MS);

  it('type-checks the user protocol and test under a strict NodeNext tsconfig, and runs the compiled JavaScript under node', async () => {
    const tsc = 'node_modules/typescript/bin/tsc';
    expectExit(await run(process.execPath, [tsc, '-p', '.'], project), 0);
    expectExit(await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], project), 0);
    const r = await run(process.execPath, ['build/report.js'], project);
    expectExit(r, 0);
    const report = JSON.parse(r.stdout) as { mine: { ok: boolean; events: number }; library: { ok: boolean; events: number } };
    expect(report.mine.ok).toBe(true);
    expect(report.mine.events).toBeGreaterThan(100);
    expect(report.library.events).toBeGreaterThan(100);
  }, STEP_MS);

  it('npx faultline test passes the correct protocol and finds its bug variant', async () => {
    const good = await run('npx', ['faultline', 'test', 'src/max-register.ts', '--seeds', '100', '--json'], project);
    expectExit(good, 0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, seedsRun: 100 });
    const bad = await run('npx', ['faultline', 'test', 'src/max-register.ts', '--bug', 'no-gossip', '--seeds', '20'], project);
    expectExit(bad, 1);
    expect(bad.stdout + bad.stderr).toMatch(/'converged' violated/);
    expect(bad.stdout + bad.stderr).toMatch(/faultline replay src\/max-register\.ts --seed \d+ --bug no-gossip/);
  }, STEP_MS);

  it('npx vitest run passes the simTest tests', async () => {
    const r = await run('npx', ['vitest', 'run'], project);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/Tests\s+2 passed/);
  }, STEP_MS);

  it('faultline init writes a project that passes its own tests and type-check', async () => {
    const init = await run('npx', ['faultline', 'init', '../scaffold'], project);
    expectExit(init, 0);
    const scaffold = join(work, 'scaffold');
    expect(JSON.parse(readFileSync(join(scaffold, 'package.json'), 'utf8'))).toMatchObject({ name: 'scaffold', devDependencies: { faultline: '^0.1.0' } });
    await install(scaffold);
    const test = await run('npm', ['test'], scaffold);
    expectExit(test, 0);
    expect(test.stdout).toMatch(/Tests\s+2 passed/);
    expectExit(await run('npm', ['run', 'typecheck'], scaffold), 0);
    const found = await run('npx', ['faultline', 'test', 'src/counter.ts', '--bug', 'gossip-once', '--seeds', '20', '--no-shrink'], scaffold);
    expectExit(found, 1);
    expect(found.stdout + found.stderr).toMatch(/counter \(bug gossip-once\): \d+ of 20 seeds violated a property/);
    const again = await run('npx', ['faultline', 'init', '../scaffold'], project);
    expectExit(again, 2);
    expect(again.stderr).toMatch(/already has .*package\.json/);
  }, INSTALL_MS);
});
