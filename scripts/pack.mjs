// `npm run pack [-- DIR]`: builds, then packs every package with `npm pack` into DIR
// (default: packs/), ready for `npm install DIR/*.tgz` in a project of your own. Prints
// the tarballs' paths, one per line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const destination = resolve(process.argv[2] ?? join(root, 'packs'));
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
mkdirSync(destination, { recursive: true });
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const out = execFileSync(npm, ['pack', '--json', '--pack-destination', destination, ...workspaces.flatMap((w) => ['--workspace', w])], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
for (const pack of JSON.parse(out)) console.log(join(destination, pack.filename));
