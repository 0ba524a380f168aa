import { randomBytes } from 'node:crypto';
import type { NodeId } from '../ids.ts';
import { createTransport } from '../net/index.ts';
import { ClusterConfigError, formatAddress, nodeAddress, parseClusterConfig, type ClusterConfig } from './config.ts';
import { transportSecurity } from './security.ts';
import { decodeWire, encodeWire } from './wire.ts';

export interface JoinOptions {
  /** The config the joining node was started with: its own entry, the node it joins through, the protocol and the security. */
  readonly config: ClusterConfig;
  readonly nodeId: NodeId;
  /** The node of `config` to join through (any running node of the cluster). */
  readonly via: NodeId;
  /** The port the node will listen on, when not its config's (the address the others are told). */
  readonly port?: number;
  /** Give up after this long without an answer (default 10,000 ms). */
  readonly timeoutMs?: number;
  /** Ask again this often until answered (default 500 ms). */
  readonly retryMs?: number;
}

/**
 * Joins a running cluster knowing one of its nodes: asks `via` to add this node (it tells
 * every node it knows, and they dial or accept this one from then on) and returns the
 * config with the whole membership as `via` knows it, ready for `startNode`. Call it before
 * the node starts, with the address it will listen on.
 */
export async function joinCluster(o: JoinOptions): Promise<ClusterConfig> {
  const self = nodeAddress(o.config, o.nodeId);
  const via = nodeAddress(o.config, o.via);
  if (o.via === o.nodeId) throw new ClusterConfigError(`node ${o.nodeId} cannot join through itself`);
  const port = o.port ?? self.port;
  if (!(port >= 1 && port <= 65535)) throw new ClusterConfigError(`a joining node needs a fixed port to tell the others (got ${port})`);
  const address = formatAddress(self.host, port);
  const client = `join-${o.nodeId}-${randomBytes(6).toString('hex')}`; // det-ok: host code, a fresh client id
  let answered: (nodes: readonly { id: NodeId; address: string }[]) => void = () => {};
  const members = new Promise<readonly { id: NodeId; address: string }[]>((resolve) => (answered = resolve));
  const transport = createTransport({
    self: { kind: 'client', id: client },
    peers: { [via.id]: { host: via.host, port: via.port } },
    security: transportSecurity(o.config.security, { kind: 'client', id: client }),
    onMessage: (_from, payload) => {
      const w = decodeWire(payload);
      if (typeof w !== 'string' && w.t === 'members') answered(w.nodes);
    },
    onLog: () => {},
  });
  await transport.start();
  const ask = () => transport.send({ kind: 'node', id: via.id }, encodeWire({ t: 'join', id: `${client}/join`, node: o.nodeId, address }));
  ask();
  const retry = setInterval(ask, o.retryMs ?? 500); // det-ok: host code
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClusterConfigError(`node ${o.nodeId} could not join through ${via.id} at ${via.host}:${via.port}: no answer within ${timeoutMs} ms`)), timeoutMs); // det-ok
  });
  try {
    const nodes = await Promise.race([members, timedOut]);
    const all = nodes.some((n) => n.id === o.nodeId) ? nodes : [...nodes, { id: o.nodeId, address }];
    // The membership is checked as a config's nodes would be (ids, addresses, no repeats).
    const checked = parseClusterConfig({ nodes: all, protocol: o.config.protocol.name, security: { plaintext: true } }, o.config.baseDir, `the membership from ${via.id}`);
    return { ...o.config, nodes: checked.nodes };
  } finally {
    clearInterval(retry);
    clearTimeout(timer);
    await transport.close();
  }
}
