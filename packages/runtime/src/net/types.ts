/**
 * The real-network transport's public types. Host code: nothing here is loaded by protocol
 * code (the transport lives behind the `@faultline/runtime/net` subpath).
 */

/** Who is at the other end of a connection: a node of the cluster, or a client. */
export type Endpoint = { kind: 'node'; id: string } | { kind: 'client'; id: string };

/**
 * How both ends of every connection authenticate each other.
 * - `plaintext`: no authentication, no encryption; only when asked for explicitly.
 * - `psk`: TLS 1.2 with a pre-shared key (PSK cipher suites, AES-GCM / ChaCha20): both ends
 *   prove they hold the key, and the traffic is encrypted. `key` is any string of at least 16
 *   characters (a passphrase or hex); the TLS key is derived from it with HKDF-SHA256.
 * - `tls`: TLS (1.2 or 1.3) with mutual certificates signed by `ca`; a node's certificate must
 *   name its node id (subject CN or a DNS subjectAltName). All three are PEM contents.
 */
export type Security =
  | { kind: 'plaintext' }
  | { kind: 'psk'; key: string }
  | { kind: 'tls'; ca: string; cert: string; key: string };

export interface TransportOptions {
  /** A node (listens and dials other nodes) or a client (dials only, never listens). */
  self: Endpoint;
  /** Nodes only; port 0 picks an ephemeral port (returned by `start()`). */
  listen?: { host: string; port: number };
  /** Node id -> address. An entry for `self` is ignored. */
  peers: Record<string, { host: string; port: number }>;
  security: Security;
  /** Largest frame payload accepted or sent; default 16 MiB. */
  maxFrameBytes?: number;
  /** Per-peer bound on bytes waiting to be written; `send()` drops when full. Default 8 MiB. */
  maxQueueBytesPerPeer?: number;
  /** Reconnect backoff: first delay and cap (exponential with jitter). Defaults 50 and 2000. */
  reconnectMsMin?: number;
  reconnectMsMax?: number;
  /** A new connection must finish TLS and the hello exchange within this; default 5000. */
  handshakeTimeoutMs?: number;
  /** `close()` waits at most this long for queues to flush; default 2000. */
  closeTimeoutMs?: number;
  /** Open inbound connections (peers, clients, handshakes in progress), at most; more are refused. Default 1024. */
  maxConnections?: number;
  /** A message from an authenticated peer; `payload` is the callee's to keep (nothing reuses it). */
  onMessage(from: Endpoint, payload: Uint8Array): void;
  /** One line per notable event (a refused or closed connection, with its reason). Default: stderr. */
  onLog?(line: string): void;
  /** A peer's connection finished its handshake, or was lost. */
  onPeerState?(peer: Endpoint, state: 'connected' | 'disconnected'): void;
}

export interface Transport {
  /** Listen (nodes), start dialing peers; resolves with the bound port for a listening node. */
  start(): Promise<{ port?: number }>;
  /**
   * Queue one message for `to` (written in a batch at the end of the current tick). Returns
   * false, and drops the message, when that peer's queue is full, when `to` is a client that is
   * not connected, an unknown node, or the transport is closed. Never throws on network errors.
   * Delivery is at most once: a message in flight when a connection breaks may be lost.
   */
  send(to: Endpoint, payload: Uint8Array): boolean;
  /**
   * A node that joined after this transport was made: from now on it is a peer like those of
   * `peers` (dialed, if its id is greater than this node's, and accepted). A node only.
   */
  addPeer(id: string, address: { host: string; port: number }): void;
  /** Bytes queued for `to` and not yet handed to the kernel (a slow peer's is large). */
  queuedBytes(to: Endpoint): number;
  /**
   * Stop listening and dialing, flush the queues (bounded wait), close every connection. From
   * the call on, `send()` returns false and `onMessage` is not called again.
   */
  close(): Promise<void>;
}

export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_QUEUE_BYTES_PER_PEER = 8 * 1024 * 1024;
export const DEFAULT_RECONNECT_MS_MIN = 50;
export const DEFAULT_RECONNECT_MS_MAX = 2000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;
export const DEFAULT_CLOSE_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_CONNECTIONS = 1024;

/** `node:n1`, `client:c-abc`: the key a peer's state is kept under. */
export function endpointKey(e: Endpoint): string {
  return `${e.kind}:${e.id}`;
}

export function formatEndpoint(e: Endpoint): string {
  return `${e.kind} ${e.id}`;
}
