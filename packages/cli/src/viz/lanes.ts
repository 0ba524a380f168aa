import type { TraceRecord } from '@faultline/simulator';

/**
 * Which lane of a space-time diagram a trace record belongs to: a node's id, a client's id
 * (each client has its own lane), or undefined for what belongs to the whole run
 * (configuration, partitions and heals, quiescence, the violation).
 *
 * A message lost on the way is drawn where it was lost: at the sender when the network
 * dropped it (loss, partition), at the receiver when it arrived at a node that was down.
 * A duplicate is marked at its sender, where the network decided it.
 */
export function laneOf(r: TraceRecord): string | undefined {
  switch (r.k) {
    case 'config':
    case 'quiesce':
    case 'violation':
      return undefined;
    case 'start':
    case 'send':
    case 'timer':
    case 'state':
    case 'log':
    case 'durable':
    case 'request':
    case 'reply':
    case 'redirect':
      return r.node;
    case 'deliver':
      return r.to;
    case 'drop':
      return r.reason === 'down' ? r.to : r.from;
    case 'dup':
      return r.from;
    case 'invoke':
    case 'attempt':
    case 'complete':
    case 'stale-reply':
    case 'timeout':
    case 'give-up':
      return r.client;
    case 'fault': {
      const f = r.fault;
      return f.kind === 'partition' || f.kind === 'oneway' || f.kind === 'heal' ? undefined : f.node;
    }
    default: {
      // A record kind newer than this function: its node, if it names one.
      const node = (r as { node?: unknown }).node;
      return typeof node === 'string' ? node : undefined;
    }
  }
}

/** The lanes of a trace: its nodes in cluster order, then its clients (c1, c2, ..., c10). */
export function lanesOf(records: readonly TraceRecord[]): { nodes: string[]; clients: string[] } {
  const config = records.find((r) => r.k === 'config');
  const nodes: string[] = config?.k === 'config' ? config.nodes.map((n) => n.id) : [];
  const known = new Set(nodes);
  const clients: string[] = [];
  for (const r of records) {
    const lane = laneOf(r);
    if (lane === undefined || known.has(lane)) continue;
    known.add(lane);
    if ('client' in r && r.client === lane) clients.push(lane);
    else if (r.k === 'drop' || r.k === 'dup') clients.push(lane); // only clients are not in the config
    else nodes.push(lane);
  }
  clients.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return { nodes, clients };
}
