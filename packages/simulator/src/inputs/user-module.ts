import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config-error.ts';
import { loadFailure } from './load-error.ts';

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;
let typescriptLoader: Promise<void> | undefined;

/**
 * Lets this process (or worker thread) import TypeScript: registers tsx's module hooks,
 * once, the first time a `.ts` module is asked for. Faultline itself is compiled
 * JavaScript; only a user's TypeScript module needs the loader. Module hooks are per
 * thread, so a worker thread registers its own when it first loads a `.ts` module.
 */
function loadTypeScript(): Promise<void> {
  typescriptLoader ??= import('tsx/esm/api').then(({ register }) => void register());
  return typescriptLoader;
}

/**
 * Imports a user's module (a protocol or a scenario) by path, relative to `cwd`. A `.ts`
 * file loads through tsx, registered on first use, so it needs no build step. A missing
 * file or a module that fails to load is a `ConfigError` that names the path.
 */
export async function importUserModule(path: string, cwd: string, what: string): Promise<Record<string, unknown>> {
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(abs)) throw new ConfigError(`${what} file not found: ${path}`);
  if (!statSync(abs).isFile()) throw new ConfigError(`${what} path is not a file: ${path}`);
  try {
    if (TYPESCRIPT.test(abs)) await loadTypeScript();
    return (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`cannot load ${what} module ${path}: ${loadFailure(err, path, abs)}`);
  }
}
