import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './errors.ts';
import { loadFailure } from './load-error.ts';

/**
 * Imports a user's module (a protocol or a scenario) by path, relative to `cwd`. `.ts`
 * files load through tsx (registered by bin/faultline.js), so they need no build step.
 * A missing file or a module that fails to load is a `UsageError` that names the path.
 */
export async function importUserModule(path: string, cwd: string, what: string): Promise<Record<string, unknown>> {
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(abs)) throw new UsageError(`${what} file not found: ${path}`);
  if (!statSync(abs).isFile()) throw new UsageError(`${what} path is not a file: ${path}`);
  try {
    return (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`cannot load ${what} module ${path}: ${loadFailure(err, path, abs)}`);
  }
}
