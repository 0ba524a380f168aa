import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { SimTestError, assertSimTest, type SimCheck, type SimTestOptions } from './run-sim-test.ts';

/** This package's own directory: its frames are left out of a failure's stack. */
const LIBRARY_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * The frames of `stack` outside this library: where the user called `simTest`, so that
 * vitest's code frame shows the user's test rather than faultline's internals.
 */
export function userFrames(stack: string | undefined, libraryDir = LIBRARY_DIR): string[] {
  return (stack ?? '')
    .split('\n')
    .slice(1)
    .filter((line) => /^\s+at /.test(line) && !line.includes(libraryDir) && !line.includes('node:internal'));
}

type Register = typeof test | typeof test.only | typeof test.skip;

function register(it: Register, name: string, options: SimTestOptions, check?: SimCheck): void {
  const site = userFrames(new Error().stack);
  it(
    name,
    async ({ annotate }) => {
      let report;
      try {
        report = await assertSimTest(options, check);
      } catch (err) {
        // A violation found inside the library: point at the user's simTest call instead.
        if (err instanceof SimTestError && site.length > 0) err.stack = `${err.name}: ${err.message}\n${site.join('\n')}`;
        throw err;
      }
      // A caught violation passes the test; say which seed caught it and how to replay it.
      if (report.failure !== undefined) await annotate(report.message);
    },
    options.timeout,
  );
}

/**
 * Registers a vitest test that runs `options.seeds` seeds (default 100) of a protocol in
 * the simulator. It fails at the first seed that violates a property, or whose result
 * `check` rejects, with the property, its message, the seed and the exact
 * `faultline replay` command.
 *
 * ```ts
 * simTest('counter converges under partitions', { protocol: counter, seeds: 200, faults: ['partition'] });
 * simTest.fails('gossip-once is caught', { protocol: counter, bug: 'gossip-once' });
 * ```
 */
export function simTest(name: string, options: SimTestOptions, check?: SimCheck): void {
  register(test, name, options, check);
}

/** Like `simTest`, but passes when some seed violates a property: for a bug variant the checkers must catch. */
simTest.fails = (name: string, options: Omit<SimTestOptions, 'expect'>, check?: SimCheck): void =>
  register(test, name, { ...options, expect: 'violation' }, check);

simTest.only = (name: string, options: SimTestOptions, check?: SimCheck): void => register(test.only, name, options, check);

simTest.skip = (name: string, options: SimTestOptions, check?: SimCheck): void => register(test.skip, name, options, check);
