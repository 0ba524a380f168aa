#!/usr/bin/env node
// Makes sure a Chromium for the browser tests (test/browser/) is present, before `npm test`
// (hooked as the root `pretest` script). The tests drive Debian's `chromium` package with
// playwright-core; playwright's own browser downloads are not used.
//
//   - FAULTLINE_CHROMIUM (or /usr/bin/chromium) exists and is executable: nothing to do.
//   - Missing, running as root with apt-get: installs Debian's `chromium` (and a font).
//   - Otherwise: prints exactly what to install and exits 1, so the run fails clearly
//     instead of skipping the browser tests.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

const path = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';
const PACKAGES = ['chromium', 'fonts-dejavu-core'];

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args) {
  console.error(`ensure-chromium: ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

function fail(why) {
  console.error(
    `ensure-chromium: ${why}\n` +
      `The browser tests (test/browser/) need Chromium at ${path}. Install it, then run the tests again:\n` +
      `  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y ${PACKAGES.join(' ')}\n` +
      `Or point FAULTLINE_CHROMIUM at a Chromium or Chrome executable.`,
  );
  process.exit(1);
}

if (!executable(path)) {
  if (process.env.FAULTLINE_CHROMIUM !== undefined) fail(`FAULTLINE_CHROMIUM=${path} is not an executable file.`);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) fail(`${path} is missing, and installing it needs root.`);
  if (!onPath('apt-get')) fail(`${path} is missing, and there is no apt-get here to install it with.`);
  if (!run('apt-get', ['update'])) fail('apt-get update failed.');
  if (!run('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES])) fail(`apt-get install ${PACKAGES.join(' ')} failed.`);
  if (!executable(path)) fail(`apt-get installed ${PACKAGES.join(' ')}, but ${path} is still missing.`);
  console.error(`ensure-chromium: installed ${path}`);
}
