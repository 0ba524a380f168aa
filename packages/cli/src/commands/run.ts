import * as path from 'node:path';
import { KenUsageError, kenHostLayer } from '@faultline/ken-checkpoint';
import type { AnyService } from '@faultline/runtime';
import { ClusterConfigError, joinCluster, loadClusterConfig, startNode, type ClusterConfig, type RunningNode } from '@faultline/runtime/host';
import { parseArgs, type CommandSpec } from '../args.ts';
import { EXIT_OK, UsageError } from '../errors.ts';
import type { Output } from '../io.ts';
import { loadProtocol } from '../protocol-loader.ts';

export const RUN = {
  name: 'run',
  description:
    "Starts node --node of the cluster described by --config (nodes with their addresses, the\n" +
    'protocol and its options, the security: a pre-shared key, TLS certificates or explicit\n' +
    'plaintext) and serves until SIGTERM or SIGINT, which stop it gracefully (timers off,\n' +
    'checkpoint synced, queued messages flushed). With --ken every turn is checkpointed in\n' +
    '--data-dir and its outputs leave only once the checkpoint is on disk; after a SIGKILL,\n' +
    'running the node again over the same directory recovers it. Exits 0 after a graceful\n' +
    'stop, 2 on a bad config or command line. See docs/deploy.md.',
  positionals: [],
  flags: {
    config: { type: 'string', value: 'FILE', help: 'the cluster config (cluster.json)' },
    node: { type: 'string', value: 'ID', help: 'which node of the config to run' },
    ken: { type: 'boolean', help: 'checkpoint every turn (Ken): survives a crash and restart' },
    'data-dir': { type: 'string', value: 'DIR', help: "where Ken's checkpoint files go (default: faultline-data/<node>)" },
    port: { type: 'integer', value: 'P', min: 0, help: "listen on this port instead of the config's (0: any free port)" },
    join: {
      type: 'string',
      value: 'NODE',
      help: 'join a running cluster through NODE (an entry of --config, which need list only this node and NODE): learn the membership from it, which tells the others',
    },
  },
  examples: [
    'faultline run --config cluster.json --node n1 --ken --data-dir data/n1',
    'faultline run --config examples/kv-cluster/cluster.json --node n2',
    'faultline run --config joiner.json --node f3 --join f1',
  ],
} as const satisfies CommandSpec;

/** The Service a cluster config names: its protocol (built-in or module, relative to the config) with its bug and options. */
export async function configuredService(out: Output, config: ClusterConfig): Promise<AnyService> {
  const { name, bug, options } = config.protocol;
  const protocol = await loadProtocol(name, config.baseDir, out.io.protocols);
  try {
    return protocol.definition.create({ ...options, bug });
  } catch (err) {
    throw new UsageError(`protocol ${name}: ${(err as Error).message}`);
  }
}

/** Reads the config, turning its errors into usage errors (exit 2). */
export function readClusterConfig(out: Output, file: string | undefined, command: string): ClusterConfig {
  if (file === undefined) throw new UsageError(`faultline ${command}: missing --config FILE (the cluster config); see 'faultline ${command} --help'`);
  try {
    return loadClusterConfig(path.resolve(out.cwd, file));
  } catch (err) {
    if (err instanceof ClusterConfigError) throw new UsageError(err.message);
    throw err;
  }
}

export async function runRun(out: Output, argv: readonly string[]): Promise<number> {
  const { flags } = parseArgs(RUN, argv);
  const given = readClusterConfig(out, flags.config, 'run');
  const nodeId = flags.node;
  if (nodeId === undefined) throw new UsageError(`faultline run: missing --node ID (one of ${given.nodes.map((n) => n.id).join(', ')})`);
  const address = given.nodes.find((n) => n.id === nodeId);
  if (address === undefined) throw new UsageError(`faultline run: node '${nodeId}' is not in ${flags.config} (nodes: ${given.nodes.map((n) => n.id).join(', ')})`);
  if (flags.join !== undefined && flags.port === 0) throw new UsageError('faultline run: a node that joins needs a fixed port to tell the others: not --port 0');
  const config = flags.join === undefined ? given : await joined(given, nodeId, flags.join, flags.port);
  if (flags['data-dir'] !== undefined && !flags.ken) throw new UsageError('faultline run: --data-dir holds Ken checkpoints: give --ken too');
  const service = await configuredService(out, config);
  const dataDir = path.resolve(out.cwd, flags['data-dir'] ?? path.join('faultline-data', nodeId));
  let node: RunningNode;
  try {
    node = await startNode({
      config,
      nodeId,
      service,
      layer: flags.ken ? kenHostLayer({ dataDir }) : undefined,
      listen: flags.port === undefined ? undefined : { host: address.host, port: flags.port },
      onLog: (line) => out.err(line),
    });
  } catch (err) {
    if (err instanceof ClusterConfigError || err instanceof KenUsageError) throw new UsageError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new UsageError(`faultline run: ${nodeId} cannot listen on ${address.host}:${flags.port ?? address.port} (${code}): is another process using it?`);
    }
    throw err;
  }
  out.out(`${nodeId} listening on ${address.host}:${node.port}${flags.ken ? ` with Ken in ${dataDir}` : ''} (${config.protocol.name}, ${config.security.kind})`);
  await stopSignal();
  out.err(`${nodeId}: stopping`);
  await node.stop();
  out.err(`${nodeId}: stopped ${JSON.stringify(node.stats())}`);
  return EXIT_OK;
}

/** The membership learnt from `via` (see joinCluster), its errors as usage errors. */
async function joined(config: ClusterConfig, nodeId: string, via: string, port: number | undefined): Promise<ClusterConfig> {
  try {
    return await joinCluster({ config, nodeId, via, port });
  } catch (err) {
    if (err instanceof ClusterConfigError) throw new UsageError(`faultline run: ${err.message}`);
    throw err;
  }
}

/** Resolves on the first SIGTERM or SIGINT. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
