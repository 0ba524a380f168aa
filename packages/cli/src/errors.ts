/**
 * Exit codes of the `faultline` command:
 * - 0: success (every seed passed, the listing was printed...)
 * - 1: a property was violated (a real finding: the protocol is wrong)
 * - 2: the command line or its inputs are wrong (unknown protocol, flag, fault kind,
 *   bug, bad number, missing or malformed file, the simulator's `ConfigError`)
 * - 3: anything else: a bug in faultline or in the protocol's own setup code, or
 *   nondeterminism detected by a campaign
 */
export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

/**
 * The user's mistake, told in one line (without the `faultline:` prefix, which the
 * caller adds): exits with 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export { errorMessage } from '@faultline/simulator/input-errors';
