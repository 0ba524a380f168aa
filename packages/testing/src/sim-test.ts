import { test } from 'vitest';
import { assertSimTest, type SimCheck, type SimTestOptions } from './run-sim-test.ts';

type Register = typeof test | typeof test.only | typeof test.skip;

function register(it: Register, name: string, options: SimTestOptions, check?: SimCheck): void {
  it(
    name,
    async ({ annotate }) => {
      const report = await assertSimTest(options, check);
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
