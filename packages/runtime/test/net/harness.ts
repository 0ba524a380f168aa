import { afterEach, vi } from 'vitest';
import { createTransport, type Endpoint, type Security, type Transport, type TransportOptions } from '../../src/net/index.ts';

/**
 * Test harness for the transport: real sockets on 127.0.0.1 with ephemeral ports. A `Probe`
 * is one transport plus everything it received and logged, so that tests can assert on it.
 */
export const HOST = '127.0.0.1';

export interface Probe {
  t: Transport;
  port: number;
  received: { from: Endpoint; payload: Buffer }[];
  logs: string[];
  states: string[];
}

export const node = (id: string): Endpoint => ({ kind: 'node', id });
export const client = (id: string): Endpoint => ({ kind: 'client', id });

export async function startProbe(
  self: Endpoint,
  peers: Record<string, number>,
  security: Security,
  extra: Partial<TransportOptions> = {},
): Promise<Probe> {
  const received: Probe['received'] = [];
  const logs: string[] = [];
  const states: string[] = [];
  const addresses: TransportOptions['peers'] = {};
  for (const [id, port] of Object.entries(peers)) addresses[id] = { host: HOST, port };
  const t = createTransport({
    self,
    peers: addresses,
    security,
    reconnectMsMin: 10,
    reconnectMsMax: 100,
    ...(self.kind === 'node' ? { listen: { host: HOST, port: peers[self.id] ?? 0 } } : {}),
    onMessage: (from, payload) => received.push({ from, payload: Buffer.from(payload) }),
    onLog: (line) => logs.push(line),
    onPeerState: (peer, state) => states.push(`${peer.kind} ${peer.id} ${state}`),
    ...extra,
  });
  const { port } = await t.start();
  return { t, port: port ?? 0, received, logs, states };
}

/**
 * Two nodes n1 (the dialer) and n2; n2 listens first on an ephemeral port and learns n1's port
 * only as a peer entry (it never dials n1, whose id is smaller).
 */
export async function startPair(security: Security, extra: Partial<TransportOptions> = {}): Promise<[Probe, Probe]> {
  const b = await startProbe(node('n2'), { n1: 1 }, security, extra);
  const a = await startProbe(node('n1'), { n2: b.port }, security, extra);
  return [a, b];
}

/** Resolve once `condition` holds (polled); reject with `what` after a generous bound. */
export async function waitUntil(condition: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const stepMs = 5;
  for (let waitedMs = 0; !condition(); waitedMs += stepMs) {
    if (waitedMs > limitMs) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, stepMs)); // det-ok: real sockets
  }
}

/** Let the event loop run a few turns (sockets deliver what is in flight). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r)); // det-ok: real sockets
}

export const texts = (p: Probe): string[] => p.received.map((r) => r.payload.toString('utf8'));

export async function closeAll(...probes: Probe[]): Promise<void> {
  await Promise.all(probes.map((p) => p.t.close()));
}

/**
 * For a test file: `track(...probes)` registers probes to be closed after each test (and
 * returns them); mocks are restored then too.
 */
export function closeAfterEach(): <T extends Probe[]>(...ps: T) => T {
  let open: Probe[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await closeAll(...open);
    open = [];
  });
  return (...ps) => {
    open.push(...ps);
    return ps;
  };
}
