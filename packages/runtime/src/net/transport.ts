import type net from 'node:net';
import { reconnectDelayMs } from './backoff.ts';
import { FRAME_HEADER_BYTES, FrameDecoder } from './frame-decoder.ts';
import { decodeHello, encodeHello, HELLO_MAX_BYTES, isValidEndpointId } from './hello.ts';
import { SendQueue } from './send-queue.ts';
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_QUEUE_BYTES_PER_PEER,
  DEFAULT_RECONNECT_MS_MAX,
  DEFAULT_RECONNECT_MS_MIN,
  formatEndpoint,
  type Endpoint,
  type Transport,
  type TransportOptions,
} from './types.ts';
import { createWire, errorText, remoteOf, type Wire } from './wire.ts';

/**
 * The real-network transport: one connection per pair of endpoints, length-prefixed frames,
 * bounded per-peer queues flushed in batches once per tick, reconnect with backoff. Between two
 * nodes the one with the smaller id (string order) dials and redials; the other waits for it.
 * Clients dial the nodes they send to; nodes answer clients over the connection the client
 * opened. See docs/network.md.
 */
export function createTransport(o: TransportOptions): Transport {
  return new NetTransport(o);
}

/** One socket, from its first byte to its close. */
interface Conn {
  readonly socket: net.Socket;
  readonly remote: string;
  readonly decoder: FrameDecoder;
  /** For a connection we dialed: the link it serves. Null for an inbound one. */
  readonly dialedFor: Link | null;
  /** The link it is attached to, once both hellos are through. */
  link: Link | null;
  handshakeTimer: NodeJS.Timeout | null;
  /** Why it is closing (the first reason wins); null for an orderly close by the peer. */
  reason: string | null;
  /** Closed because a newer connection took its place. */
  replaced: boolean;
}

/** Everything kept about one peer: its queue, its attached connection, its redial state. */
class Link {
  readonly queue = new SendQueue();
  conn: Conn | null = null;
  dialing: Conn | null = null;
  failures = 0;
  redialTimer: NodeJS.Timeout | null = null;
  constructor(readonly peer: Endpoint) {}
}

function frameOf(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  payload.copy(out, FRAME_HEADER_BYTES);
  return out;
}

class NetTransport implements Transport {
  private readonly wire: Wire;
  private readonly maxFrameBytes: number;
  private readonly maxQueueBytes: number;
  private readonly reconnectMsMin: number;
  private readonly reconnectMsMax: number;
  private readonly handshakeTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly hello: Buffer;
  /** Node id -> address, from `peers` (own keys only, self excluded). */
  private readonly addresses = new Map<string, { host: string; port: number }>();
  /** Peer links by kind, then id (two maps: no key string is built per message). */
  private readonly links = { node: new Map<string, Link>(), client: new Map<string, Link>() };
  private readonly conns = new Set<Conn>();
  private readonly dirty = new Set<Link>();
  private flushScheduled = false;
  private server: net.Server | null = null;
  private closing: Promise<void> | null = null;
  private started = false;

  constructor(private readonly o: TransportOptions) {
    if (!isValidEndpointId(o.self.id)) throw new Error(`invalid endpoint id ${JSON.stringify(o.self.id)}`);
    if (o.self.kind === 'client' && o.listen !== undefined) throw new Error('a client transport does not listen');
    this.wire = createWire(o.security);
    this.maxFrameBytes = o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.maxQueueBytes = o.maxQueueBytesPerPeer ?? DEFAULT_MAX_QUEUE_BYTES_PER_PEER;
    this.reconnectMsMin = o.reconnectMsMin ?? DEFAULT_RECONNECT_MS_MIN;
    this.reconnectMsMax = Math.max(this.reconnectMsMin, o.reconnectMsMax ?? DEFAULT_RECONNECT_MS_MAX);
    this.handshakeTimeoutMs = o.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.closeTimeoutMs = o.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.hello = frameOf(encodeHello(o.self));
    for (const [id, address] of Object.entries(o.peers).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
      if (id === o.self.id) continue;
      if (!isValidEndpointId(id)) throw new Error(`invalid node id ${JSON.stringify(id)} in peers`);
      this.addresses.set(id, address);
      if (o.self.kind === 'node') this.links.node.set(id, new Link({ kind: 'node', id }));
    }
  }

  async start(): Promise<{ port?: number }> {
    let port: number | undefined;
    const listen = this.o.listen;
    if (this.o.self.kind === 'node' && listen !== undefined) {
      const server = this.wire.createServer(
        this.handshakeTimeoutMs,
        (s) => this.track(s, null),
        (remote, reason) => this.log(`refused connection from ${remote}: ${reason}`),
      );
      server.maxConnections = this.o.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
      server.on('error', (err) => this.log(`listener error: ${errorText(err)}`));
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(listen.port, listen.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address();
      if (address !== null && typeof address === 'object') port = address.port;
    }
    this.started = true;
    for (const link of this.links.node.values()) {
      if (link.peer.id > this.o.self.id) this.dial(link);
    }
    return port === undefined ? {} : { port };
  }

  send(to: Endpoint, payload: Uint8Array): boolean {
    if (this.closing !== null || payload.length > this.maxFrameBytes) return false;
    const link = this.linkFor(to);
    if (link === null) return false;
    if (to.kind === 'client' && link.conn === null) return false;
    if (this.queued(link) + FRAME_HEADER_BYTES + payload.length > this.maxQueueBytes) return false;
    link.queue.push(payload);
    if (link.conn !== null) this.markDirty(link);
    return true;
  }

  addPeer(id: string, address: { host: string; port: number }): void {
    if (this.o.self.kind !== 'node' || id === this.o.self.id || this.links.node.has(id)) return;
    if (!isValidEndpointId(id)) throw new Error(`invalid node id ${JSON.stringify(id)}`);
    this.addresses.set(id, address);
    const link = new Link({ kind: 'node', id });
    this.links.node.set(id, link);
    if (this.started && this.closing === null && id > this.o.self.id) this.dial(link);
  }

  queuedBytes(to: Endpoint): number {
    const link = this.links[to.kind].get(to.id);
    return link === undefined ? 0 : this.queued(link);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const server = this.server;
    const serverClosed =
      server === null ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    for (const link of this.links.node.values()) {
      if (link.redialTimer !== null) clearTimeout(link.redialTimer); // det-ok
      link.redialTimer = null;
    }
    this.flushAll();
    const closed: Promise<void>[] = [];
    for (const conn of this.conns) {
      closed.push(new Promise<void>((resolve) => conn.socket.once('close', () => resolve())));
      if (conn.link !== null) conn.socket.end();
      else conn.socket.destroy();
    }
    let timer: NodeJS.Timeout | null = null;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.closeTimeoutMs); // det-ok
    });
    await Promise.race([Promise.all(closed), timedOut]);
    if (timer !== null) clearTimeout(timer); // det-ok
    for (const conn of this.conns) conn.socket.destroy();
    await serverClosed;
  }

  /** The link for `to`, creating a client's link to a configured node on first use. */
  private linkFor(to: Endpoint): Link | null {
    const existing = this.links[to.kind].get(to.id);
    if (existing !== undefined) return existing;
    if (this.o.self.kind !== 'client' || to.kind !== 'node' || !this.addresses.has(to.id)) return null;
    const link = new Link({ kind: 'node', id: to.id });
    this.links.node.set(to.id, link);
    this.dial(link);
    return link;
  }

  private queued(link: Link): number {
    return link.queue.pendingBytes + (link.conn === null ? 0 : link.conn.socket.writableLength);
  }

  private markDirty(link: Link): void {
    this.dirty.add(link);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushAll()); // det-ok: batches every frame sent during this tick
  }

  private flushAll(): void {
    this.flushScheduled = false;
    for (const link of this.dirty) {
      if (link.conn !== null && !link.conn.socket.destroyed) link.queue.flushTo(link.conn.socket);
    }
    this.dirty.clear();
  }

  private dial(link: Link): void {
    link.redialTimer = null;
    const address = this.addresses.get(link.peer.id);
    if (this.closing !== null || address === undefined) return;
    const socket = this.wire.dial(address, link.peer.id, () => socket.write(this.hello));
    link.dialing = this.track(socket, link);
  }

  private scheduleRedial(link: Link): void {
    const delayMs = reconnectDelayMs(link.failures, this.reconnectMsMin, this.reconnectMsMax, Math.random()); // det-ok
    link.redialTimer = setTimeout(() => this.dial(link), delayMs); // det-ok
  }

  /** Watch a new socket: its frames, its handshake deadline, its close. */
  private track(socket: net.Socket, dialedFor: Link | null): Conn {
    const remote = dialedFor === null ? remoteOf(socket) : this.addressText(dialedFor);
    const conn: Conn = {
      socket,
      remote,
      decoder: new FrameDecoder(HELLO_MAX_BYTES, (frame) => this.onFrame(conn, frame)),
      dialedFor,
      link: null,
      handshakeTimer: null,
      reason: null,
      replaced: false,
    };
    conn.handshakeTimer = setTimeout(() => this.fail(conn, 'handshake timed out'), this.handshakeTimeoutMs); // det-ok
    this.conns.add(conn);
    socket.on('data', (chunk: Buffer) => {
      const problem = conn.decoder.push(chunk);
      if (problem !== null) this.fail(conn, problem);
    });
    socket.on('error', (err) => {
      conn.reason ??= errorText(err);
    });
    socket.on('end', () => {
      if (!conn.decoder.idle) conn.reason ??= 'stream ended inside a frame';
    });
    socket.on('close', () => this.onClose(conn));
    return conn;
  }

  private addressText(link: Link): string {
    const a = this.addresses.get(link.peer.id);
    return a === undefined ? '?' : `${a.host}:${a.port}`;
  }

  private fail(conn: Conn, reason: string): void {
    conn.reason ??= reason;
    conn.decoder.stop();
    conn.socket.destroy();
  }

  private onFrame(conn: Conn, frame: Buffer): void {
    const link = conn.link;
    if (link !== null) {
      if (this.closing !== null) return; // closed: no more deliveries
      this.callback('onMessage', link.peer, () => this.o.onMessage(link.peer, frame));
      return;
    }
    const hello = decodeHello(frame);
    if (typeof hello === 'string') return this.fail(conn, hello);
    if (conn.dialedFor !== null) {
      const expected = conn.dialedFor.peer;
      if (hello.kind !== 'node' || hello.id !== expected.id) {
        return this.fail(conn, `expected ${formatEndpoint(expected)}, the peer says it is ${formatEndpoint(hello)}`);
      }
      return this.attach(conn.dialedFor, conn);
    }
    let target: Link;
    if (hello.kind === 'node') {
      const known = this.links.node.get(hello.id);
      if (known === undefined) return this.fail(conn, `hello claims ${formatEndpoint(hello)}, not a peer of this node`);
      const problem = this.wire.nodeIdentityProblem(conn.socket, hello.id);
      if (problem !== null) return this.fail(conn, `hello claims ${formatEndpoint(hello)} but its ${problem}`);
      target = known;
    } else {
      target = this.links.client.get(hello.id) ?? new Link(hello);
      this.links.client.set(hello.id, target);
    }
    conn.socket.write(this.hello);
    this.attach(target, conn);
  }

  private attach(link: Link, conn: Conn): void {
    if (conn.handshakeTimer !== null) clearTimeout(conn.handshakeTimer); // det-ok
    conn.handshakeTimer = null;
    conn.decoder.maxFrameBytes = this.maxFrameBytes;
    conn.link = link;
    link.failures = 0;
    const old = link.conn;
    link.conn = conn;
    if (old !== null) {
      old.replaced = true;
      this.fail(old, 'replaced by a newer connection from the same peer');
    } else {
      this.peerState(link.peer, 'connected');
    }
    if (link.queue.pendingBytes > 0) this.markDirty(link);
  }

  private onClose(conn: Conn): void {
    this.conns.delete(conn);
    if (conn.handshakeTimer !== null) clearTimeout(conn.handshakeTimer); // det-ok
    conn.handshakeTimer = null;
    const link = conn.link;
    const shuttingDown = this.closing !== null;
    if (link !== null) {
      if (!shuttingDown || conn.reason !== null) {
        this.log(`connection with ${formatEndpoint(link.peer)} (${conn.remote}) closed: ${conn.reason ?? 'closed by the peer'}`);
      }
      if (link.conn === conn) {
        link.conn = null;
        if (link.peer.kind === 'client') {
          link.queue.clear();
          this.links.client.delete(link.peer.id);
        }
        this.peerState(link.peer, 'disconnected');
      }
    } else if (conn.dialedFor === null && !shuttingDown) {
      this.log(`refused connection from ${conn.remote}: ${conn.reason ?? 'closed before its hello'}`);
    }
    const dialed = conn.dialedFor;
    if (dialed === null || dialed.dialing !== conn) return;
    dialed.dialing = null;
    if (shuttingDown) return;
    if (link === null) {
      dialed.failures++;
      if (dialed.failures === 1) {
        this.log(
          `cannot reach ${formatEndpoint(dialed.peer)} at ${conn.remote}: ${conn.reason ?? 'closed before its hello'}; retrying every ${this.reconnectMsMax} ms at most`,
        );
      }
    }
    this.scheduleRedial(dialed);
  }

  private peerState(peer: Endpoint, state: 'connected' | 'disconnected'): void {
    const on = this.o.onPeerState;
    if (on !== undefined) this.callback('onPeerState', peer, () => on(peer, state));
  }

  /** Run a user callback from inside a socket event: what it throws is logged, never let loose. */
  private callback(name: string, peer: Endpoint, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.log(`${name} for ${formatEndpoint(peer)} threw: ${errorText(err)}`);
    }
  }

  private log(line: string): void {
    const text = `net ${formatEndpoint(this.o.self)}: ${line}`;
    if (this.o.onLog !== undefined) this.o.onLog(text);
    else process.stderr.write(`${text}\n`);
  }
}
