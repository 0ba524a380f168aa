/**
 * The simulator's words for bad input, apart from the rest of it so that a caller (the
 * `faultline` command's start-up) can use them without loading the simulator: the error
 * for the caller's mistake, the message of anything thrown, and the did-you-mean helper.
 */
export { ConfigError } from './config-error.ts';
export { errorMessage } from './inputs/error-message.ts';
export { closest } from './inputs/closest.ts';
