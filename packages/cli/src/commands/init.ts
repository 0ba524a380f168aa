import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type CommandSpec } from '../args.ts';
import { EXIT_OK, UsageError } from '../errors.ts';
import type { Output } from '../io.ts';
import { cliVersion } from '../version.ts';

export const INIT = {
  name: 'init',
  description:
    'Writes a project of your own into <dir> (default: the current directory, which must\n' +
    'not hold any of its files yet): package.json, tsconfig.json, a replicated counter in\n' +
    'src/counter.ts with a bug variant, a vitest test using simTest in test/, a cluster.json\n' +
    'to run it on this machine, and a README saying how to test, replay and run it. Then:\n' +
    'cd <dir>, npm install, npm test.',
  positionals: [{ name: 'dir', required: false, help: 'where to write the project (created if missing)' }],
  flags: {
    name: { type: 'string', value: 'NAME', help: "the package name (default: the directory's name)" },
  },
  examples: ['faultline init my-protocol', 'faultline init . --name @me/counter'],
} as const satisfies CommandSpec;

/**
 * The project `init` writes: the repository's examples/tutorial, which the build copies
 * beside the compiled command (dist/templates/tutorial). Run from faultline's sources,
 * it is read where it lives.
 */
function templateDir(): string {
  const here = import.meta.url.endsWith('.ts') ? '../../../../examples/tutorial/' : '../templates/tutorial/';
  return fileURLToPath(new URL(here, import.meta.url));
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)]));
}

/** `name` as a valid npm package name, or an error saying why it cannot be one. */
function packageName(name: string): string {
  const n = name.toLowerCase().replace(/[^a-z0-9._~/@-]+/g, '-').replace(/^[._-]+/, '');
  if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(n) || n.length > 214)
    throw new UsageError(`init: '${name}' cannot be a package name; give one with --name`);
  return n;
}

export function runInit(out: Output, argv: readonly string[]): number {
  const { positionals, flags } = parseArgs(INIT, argv);
  const dir = resolve(out.cwd, positionals[0] ?? '.');
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`init: ${positionals[0]} exists and is not a directory`);
  const name = packageName(flags.name ?? basename(dir));
  const template = templateDir();
  const files = filesUnder(template);
  const clashes = files.filter((f) => existsSync(join(dir, f)));
  if (clashes.length > 0)
    throw new UsageError(`init: ${positionals[0] ?? '.'} already has ${clashes.join(', ')}; choose an empty or new directory`);
  cpSync(template, dir, { recursive: true, errorOnExist: true, force: false });
  const pkgPath = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { name: string; devDependencies: Record<string, string> };
  pkg.name = name;
  pkg.devDependencies.faultline = `^${cliVersion()}`;
  writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
  const rel = relative(out.cwd, dir);
  const where = rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
  out.out(`wrote ${files.length} files into ${where}: ${files.join(', ')}`);
  out.out('');
  out.out('next:');
  if (where !== '.') out.out(`  cd ${where}`);
  out.out('  npm install');
  out.out('  npm test                                             # simTest: passes, and catches the bug variant');
  out.out('  npx faultline test src/counter.ts --bug gossip-once  # a campaign that finds it');
  return EXIT_OK;
}
