import { randomBytes } from 'node:crypto';
import type { NodeId, RequestId } from '../ids.ts';
import { createTransport, type Endpoint, type Transport } from '../net/index.ts';
import type { ClusterConfig } from './config.ts';
import { transportSecurity } from './security.ts';
import { decodeWire, encodeWire, type Wire } from './wire.ts';

export interface ClientOptions {
  readonly config: ClusterConfig;
  /** This client's id (default `c-` and random hex). Request ids are `<id>/<n>`. */
  readonly id?: string;
  /** How long to wait for an answer before trying the next node (default 1000). */
  readonly timeoutMs?: number;
  /** Sends of one request, at most: the first try, redirects and retries (default 20). */
  readonly attemptsMax?: number;
  /** The transport's log lines (default: dropped). */
  readonly onLog?: (line: string) => void;
}

export interface ClientReply<Res = unknown> {
  readonly result: Res;
  readonly requestId: RequestId;
  /** The node that answered. */
  readonly node: NodeId;
  readonly attempts: number;
}

/** No answer after every attempt: the request may or may not have taken effect. */
export class ClientTimeoutError extends Error {
  constructor(
    readonly requestId: RequestId,
    readonly attempts: number,
  ) {
    super(`request ${requestId}: no reply after ${attempts} attempts`);
    this.name = 'ClientTimeoutError';
  }
}

/** The pause before following a redirect once a request has been sent to every node. */
const REDIRECT_PAUSE_MS = 50;

interface Pending {
  readonly wire: Wire;
  target: NodeId;
  attempts: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  resolve(w: Wire, from: NodeId, attempts: number): void;
  reject(err: Error): void;
}

/**
 * A client of a cluster: sends a request to a node, follows redirects, and on a timeout
 * tries the next node with the same request id (so a service that remembers ids answers
 * a retry instead of applying it twice). Several requests may be in flight at once; a
 * protocol with per-client sessions (primary-backup) wants one at a time per client id.
 */
export class ClusterClient {
  readonly id: string;
  private readonly nodes: readonly NodeId[];
  private readonly timeoutMs: number;
  private readonly attemptsMax: number;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly transport: Transport;
  private next = 0;
  /** The node that answered last: where the next request goes first. */
  private preferred: NodeId;
  private closed = false;

  private constructor(o: ClientOptions) {
    this.id = o.id ?? `c-${randomBytes(6).toString('hex')}`; // det-ok: a fresh client id
    this.nodes = o.config.nodes.map((n) => n.id);
    this.preferred = this.nodes[0]!;
    this.timeoutMs = o.timeoutMs ?? 1000;
    this.attemptsMax = o.attemptsMax ?? 20;
    const peers: Record<string, { host: string; port: number }> = {};
    for (const n of o.config.nodes) peers[n.id] = { host: n.host, port: n.port };
    const self: Endpoint = { kind: 'client', id: this.id };
    this.transport = createTransport({
      self,
      peers,
      security: transportSecurity(o.config.security, self),
      onMessage: (from, payload) => this.onFrame(from, payload),
      onLog: o.onLog ?? (() => {}),
    });
  }

  /** A started client. */
  static async connect(o: ClientOptions): Promise<ClusterClient> {
    const c = new ClusterClient(o);
    await c.transport.start();
    return c;
  }

  /** Sends `req` (to `target`, or the node that answered last) and resolves with the reply. */
  request<Res = unknown>(req: unknown, opts: { target?: NodeId; requestId?: RequestId } = {}): Promise<ClientReply<Res>> {
    const requestId = opts.requestId ?? `${this.id}/${this.next++}`;
    if (!requestId.startsWith(`${this.id}/`)) throw new RangeError(`request id '${requestId}' must start with this client's id '${this.id}/' (nodes drop any other)`);
    return new Promise((resolve, reject) => {
      this.begin(requestId, { t: 'req', id: requestId, req }, opts.target ?? this.preferred, (w, node, attempts) => {
        if (w.t === 'rep') resolve({ result: w.result as Res, requestId, node, attempts });
      }, reject);
    });
  }

  /** The app state of `node` (a debugging and testing aid). */
  inspect(node: NodeId): Promise<{ state: unknown; ken: boolean }> {
    const requestId = `${this.id}/inspect-${this.next++}`;
    return new Promise((resolve, reject) => {
      this.begin(requestId, { t: 'inspect', id: requestId }, node, (w) => {
        if (w.t === 'state') resolve({ state: w.state, ken: w.ken });
      }, reject, false);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [id, p] of this.pending) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      p.reject(new Error(`request ${id}: the client was closed`));
    }
    this.pending.clear();
    await this.transport.close();
  }

  private begin(requestId: RequestId, wire: Wire, target: NodeId, resolve: Pending['resolve'], reject: Pending['reject'], failover = true): void {
    if (this.closed) return reject(new Error('the client is closed'));
    if (this.pending.has(requestId)) return reject(new Error(`request ${requestId} is already in flight`));
    const p: Pending = { wire, target, attempts: 0, timer: undefined, resolve, reject };
    this.pending.set(requestId, p);
    this.attempt(requestId, p, failover);
  }

  /** One send of `p` to its target, with a timeout that moves it to the next node. */
  private attempt(requestId: RequestId, p: Pending, failover: boolean): void {
    if (p.timer !== undefined) clearTimeout(p.timer);
    if (p.attempts >= this.attemptsMax) {
      this.pending.delete(requestId);
      p.reject(new ClientTimeoutError(requestId, p.attempts));
      return;
    }
    p.attempts++;
    this.transport.send({ kind: 'node', id: p.target }, encodeWire(p.wire));
    p.timer = setTimeout(() => { // det-ok: a real client's timeout
      if (failover) p.target = this.after(p.target);
      this.attempt(requestId, p, failover);
    }, this.timeoutMs);
  }

  private after(node: NodeId): NodeId {
    const i = this.nodes.indexOf(node);
    return this.nodes[(i + 1) % this.nodes.length]!;
  }

  private onFrame(from: Endpoint, payload: Uint8Array): void {
    if (from.kind !== 'node') return;
    const w = decodeWire(payload);
    if (typeof w === 'string' || !('id' in w)) return;
    const p = this.pending.get(w.id);
    if (p === undefined) return; // a late answer to a request already answered
    if (w.t === 'redir') {
      p.target = this.nodes.includes(w.to) ? w.to : this.after(from.id);
      if (p.timer !== undefined) clearTimeout(p.timer);
      // A redirect goes at once, unless redirects keep coming (a view change): then pause a little.
      const pauseMs = p.attempts <= this.nodes.length ? 0 : REDIRECT_PAUSE_MS;
      p.timer = setTimeout(() => this.attempt(w.id, p, true), pauseMs); // det-ok: a real client's pacing
      return;
    }
    if (w.t !== 'rep' && w.t !== 'state') return;
    if (p.timer !== undefined) clearTimeout(p.timer);
    this.pending.delete(w.id);
    if (w.t === 'rep') this.preferred = from.id;
    p.resolve(w, from.id, p.attempts);
  }
}
