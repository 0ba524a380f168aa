import type { ProtocolDefinition } from '@faultline/runtime';

/**
 * The built-in protocols: the `protocols` list of `@faultline/protocols`
 * (packages/protocols/index.ts). Loaded on first use, so that a command that does not
 * need the library (a user's own protocol, `--help`) never pays for importing it, and
 * so that the CLI still works, with an empty library, before that index exists.
 */
let cached: Promise<readonly ProtocolDefinition[]> | undefined;

const REGISTRY = '@faultline/protocols';

export function builtinProtocols(): Promise<readonly ProtocolDefinition[]> {
  cached ??= loadRegistry();
  return cached;
}

async function loadRegistry(): Promise<readonly ProtocolDefinition[]> {
  let mod: { protocols?: unknown };
  try {
    // A computed specifier: the registry's index may not exist yet, and its absence is
    // not a type error here but an empty library.
    const specifier: string = REGISTRY;
    mod = (await import(specifier)) as { protocols?: unknown };
  } catch (err) {
    if (isRegistryMissing(err)) return [];
    throw new Error(`the protocol library (${REGISTRY}) failed to load: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  if (!Array.isArray(mod.protocols)) throw new Error(`${REGISTRY} does not export a 'protocols' array`);
  return mod.protocols as readonly ProtocolDefinition[];
}

/** True when the error says that the registry's own index is missing (not something it imports). */
function isRegistryMissing(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : '';
  const missing =
    e?.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)|Failed to load url|Does the file exist/i.test(message);
  const names = /protocols[\\/]index\.ts|'@faultline\/protocols'|"@faultline\/protocols"|@faultline\/protocols(\s|$)/;
  return missing && names.test(message.split('\n')[0] ?? '') && !/imported from .*protocols[\\/]/.test(message);
}
