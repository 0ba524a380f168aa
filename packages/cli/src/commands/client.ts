import { randomBytes } from 'node:crypto';
import { ClientTimeoutError, ClusterClient } from '@faultline/runtime/host';
import { parseArgs, type CommandSpec } from '../args.ts';
import { EXIT_INTERNAL, EXIT_OK, UsageError } from '../errors.ts';
import type { Output } from '../io.ts';
import { readClusterConfig } from './run.ts';

export const CLIENT = {
  name: 'client',
  description:
    'Sends the request (JSON, as the protocol expects it) to a node of the cluster in --config,\n' +
    'follows redirects, and on a timeout tries the next node with the same request id, so the\n' +
    'service can answer a retry instead of applying it twice. Prints the reply as JSON. With\n' +
    '--inspect NODE prints that node\'s state instead. Exits 0 with a reply, 2 on a bad\n' +
    'command line, config or JSON, 3 when no node answered.',
  positionals: [{ name: 'request', required: false, help: 'the request as JSON, e.g. \'{"type":"put","key":"a","value":"1"}\'' }],
  flags: {
    config: { type: 'string', value: 'FILE', help: 'the cluster config (cluster.json)' },
    node: { type: 'string', value: 'ID', help: 'the node to ask first (default: the first in the config)' },
    'timeout-ms': { type: 'integer', value: 'MS', min: 1, help: 'wait this long for an answer before trying the next node (default 1000)' },
    attempts: { type: 'integer', value: 'N', min: 1, help: 'sends at most, redirects and retries included (default 20)' },
    id: { type: 'string', value: 'CLIENT', help: 'the client id (default: random); the request id is <id>/<random>' },
    inspect: { type: 'string', value: 'NODE', help: "print NODE's state (a debugging aid) instead of sending a request" },
  },
  examples: [
    'faultline client --config cluster.json \'{"type":"put","key":"a","value":"1"}\'',
    'faultline client --config cluster.json \'{"type":"get","key":"a"}\' --node n2',
    'faultline client --config cluster.json --inspect n1',
  ],
} as const satisfies CommandSpec;

export async function runClient(out: Output, argv: readonly string[]): Promise<number> {
  const { positionals, flags } = parseArgs(CLIENT, argv);
  const config = readClusterConfig(out, flags.config, 'client');
  const nodes = config.nodes.map((n) => n.id);
  for (const k of ['node', 'inspect'] as const) {
    const v = flags[k];
    if (v !== undefined && !nodes.includes(v)) throw new UsageError(`faultline client: --${k} '${v}' is not a node of the config (${nodes.join(', ')})`);
  }
  let req: unknown;
  if (flags.inspect === undefined) {
    if (positionals[0] === undefined) throw new UsageError('faultline client: missing the request (JSON), or --inspect NODE');
    try {
      req = JSON.parse(positionals[0]);
    } catch (err) {
      throw new UsageError(`faultline client: the request is not JSON: ${(err as Error).message}`);
    }
  } else if (positionals[0] !== undefined) {
    throw new UsageError('faultline client: give either a request or --inspect NODE, not both');
  }
  const client = await ClusterClient.connect({ config, id: flags.id, timeoutMs: flags['timeout-ms'], attemptsMax: flags.attempts });
  try {
    if (flags.inspect !== undefined) {
      const { state } = await client.inspect(flags.inspect);
      out.out(JSON.stringify(state));
    } else {
      // A random request id: another run with the same --id must not be taken for a retry of this one.
      const requestId = `${client.id}/${randomBytes(6).toString('hex')}`;
      const reply = await client.request(req, { target: flags.node, requestId });
      out.out(JSON.stringify(reply.result));
      out.err(`(${reply.requestId} answered by ${reply.node} after ${reply.attempts} ${reply.attempts === 1 ? 'send' : 'sends'})`);
    }
    return EXIT_OK;
  } catch (err) {
    if (!(err instanceof ClientTimeoutError)) throw err;
    out.err(`faultline client: ${err.message}; it may or may not have taken effect`);
    return EXIT_INTERNAL;
  } finally {
    await client.close();
  }
}
