import type { ProtocolDefinition } from '@faultline/runtime';

/**
 * The built-in protocols: the `protocols` list of `@faultline/protocols`. Imported on
 * first use, so that a command that does not need the library (a user's own protocol,
 * `--help`) never pays for loading it.
 */
let cached: Promise<readonly ProtocolDefinition[]> | undefined;

export function builtinProtocols(): Promise<readonly ProtocolDefinition[]> {
  cached ??= import('@faultline/protocols').then((m) => m.protocols);
  return cached;
}
