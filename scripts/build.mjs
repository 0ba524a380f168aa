// `npm run build`: compiles every package to dist/ (ESM, .d.ts, source maps) with tsc's
// build mode (incremental: a second run with nothing changed takes about two seconds),
// then copies what the compiled code reads at run time beside it: the HTML viewer's page
// assets, and the tutorial project that `faultline init` writes.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-b', join(root, 'tsconfig.build.json'), ...process.argv.slice(2)], { stdio: 'inherit' });
} catch {
  process.exit(1);
}

const cli = join(root, 'packages', 'cli');
cpSync(join(cli, 'src', 'viz', 'page'), join(cli, 'dist', 'viz', 'page'), { recursive: true });
const template = join(cli, 'dist', 'templates', 'tutorial');
rmSync(template, { recursive: true, force: true });
cpSync(join(root, 'examples', 'tutorial'), template, {
  recursive: true,
  filter: (src) => !/[\\/](node_modules|dist|faultline-schedules)([\\/]|$)/.test(src),
});
