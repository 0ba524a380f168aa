import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { NodeId } from '../ids.ts';
import { createTransport, type Endpoint, type Transport, type TransportOptions } from '../net/index.ts';
import type { AnyService } from '../service.ts';
import { ClientDirectory } from './client-directory.ts';
import { CommitTiming } from './commit-timing.ts';
import { nodeAddress, type ClusterConfig } from './config.ts';
import type { LayerFactory, LayerOutput, NodeLayer } from './layer.ts';
import { Membership } from './membership.ts';
import { plainLayer } from './plain-layer.ts';
import { realTurnHost } from './real-host.ts';
import { transportSecurity } from './security.ts';
import { decodeWire, encodeWire, type Wire } from './wire.ts';

/** Bad frames from one endpoint logged one by one, at most; after that, one line per this many. */
const BAD_FRAME_LOG_MAX = 20;
const BAD_FRAME_LOG_EVERY = 1000;
/**
 * The event-loop delay monitor's timer period, ms: Node's default. Every node runs the
 * monitor, so it samples 100 times a second rather than 1,000 (its finest), which would
 * wake a busy node's loop for stats alone.
 */
const LOOP_DELAY_RESOLUTION_MS = 10;

export interface StartNodeOptions {
  readonly config: ClusterConfig;
  readonly nodeId: NodeId;
  /** The node's Service (the protocol's `create(...)`). */
  readonly service: AnyService;
  /** Builds the layer between host and service (default: `plainLayer`; Ken: `kenHostLayer(...)`). */
  readonly layer?: LayerFactory;
  /** Where to listen instead of the config's address (e.g. port 0 in tests). */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Every log line (default: stderr). */
  readonly onLog?: (line: string) => void;
  /** Transport limits (frame size, per-peer queue bytes, reconnect backoff). */
  readonly transport?: Pick<TransportOptions, 'maxFrameBytes' | 'maxQueueBytesPerPeer' | 'reconnectMsMin' | 'reconnectMsMax' | 'closeTimeoutMs'>;
}

/** How a peer looks from this node: connected, bytes waiting in the transport, messages unacknowledged (Ken). */
export interface PeerStatus {
  readonly peer: NodeId;
  readonly connected: boolean;
  readonly queuedBytes: number;
  readonly unacked: number;
}

export interface RunningNode {
  readonly id: NodeId;
  /** The port it listens on. */
  readonly port: number;
  /** The app state after the last turn. */
  state(): unknown;
  peers(): PeerStatus[];
  stats(): Record<string, number>;
  /** Graceful stop: timers off, a last flush (Ken: sync and release), transport flushed and closed. */
  stop(): Promise<void>;
}

/**
 * Runs one node of `config` in this process: its Service driven by `layer`, a real clock
 * and timers, randomness from node:crypto, and the transport to the other nodes and to
 * clients. Resolves once it listens.
 */
export async function startNode(o: StartNodeOptions): Promise<RunningNode> {
  const self = nodeAddress(o.config, o.nodeId);
  const cluster = o.config.nodes.map((n) => n.id);
  const log = o.onLog ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const host = new NodeHost(o.nodeId, log);
  const layer = (o.layer ?? plainLayer)({ service: o.service, self: o.nodeId, cluster, host: realTurnHost((peer) => host.unackedTo(peer)) });
  const peers: Record<string, { host: string; port: number }> = {};
  for (const n of o.config.nodes) if (n.id !== o.nodeId) peers[n.id] = { host: n.host, port: n.port };
  const transport = createTransport({
    ...o.transport,
    self: { kind: 'node', id: o.nodeId },
    listen: o.listen ?? { host: self.host, port: self.port },
    peers,
    security: transportSecurity(o.config.security, { kind: 'node', id: o.nodeId }),
    onMessage: (from, payload) => host.onFrame(from, payload),
    onLog: (line) => log(`${o.nodeId}: ${line}`),
    onPeerState: (peer, state) => host.onPeerState(peer, state),
  });
  host.attach(layer, transport, new Membership(o.config, o.nodeId, () => transport, log));
  let port: number | undefined;
  try {
    port = (await transport.start()).port;
  } catch (err) {
    layer.close();
    await transport.close();
    throw err;
  }
  host.begin();
  return {
    id: o.nodeId,
    port: port ?? self.port,
    state: () => layer.appState,
    peers: () => host.peerStatus(cluster),
    stats: () => ({ ...layer.stats(), ...host.counters, ...host.timingTotals() }),
    stop: () => host.stop(),
  };
}

/** The event loop side of a node: frames and timers in, layer outputs out. */
class NodeHost {
  readonly counters = { requests: 0, replies: 0, repliesUnroutable: 0, sendsDropped: 0, badFrames: 0, handlerErrors: 0 };
  private layer!: NodeLayer;
  private transport!: Transport;
  private membership!: Membership;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly clients = new ClientDirectory();
  private readonly timing = new CommitTiming(() => performance.now()); // det-ok: the real runtime's clock, for stats only
  /** How late the monitor's timer runs: how long the event loop is busy at a stretch (a ready callback waits that long). */
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  private readonly connected = new Set<NodeId>();
  private readonly badFramesFrom = new Map<string, number>();
  private readonly wrongLayerFrom = new Set<NodeId>();
  private flushScheduled = false;
  /** A pipelined flush in flight (it settles without throwing). */
  private flushing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly self: NodeId,
    private readonly log: (line: string) => void,
  ) {}

  attach(layer: NodeLayer, transport: Transport, membership: Membership): void {
    this.layer = layer;
    this.transport = transport;
    this.membership = membership;
  }

  begin(): void {
    this.loopDelay.enable();
    this.input('start', () => this.layer.start());
  }

  /**
   * The commit timing's totals, whole milliseconds, and the event loop's delay: the mean
   * and 99th percentile of how late the monitor's timer ran, in µs, past its period.
   */
  timingTotals(): Record<string, number> {
    const t = this.timing.totals;
    const lateUs = (ns: number) => (Number.isFinite(ns) && this.loopDelay.count > 0 ? Math.max(0, Math.round(ns / 1000 - LOOP_DELAY_RESOLUTION_MS * 1000)) : 0);
    return {
      ...t,
      flushMs: Math.round(t.flushMs),
      commitWaitMs: Math.round(t.commitWaitMs),
      queueMs: Math.round(t.queueMs),
      replyMs: Math.round(t.replyMs),
      loopDelayMeanUs: lateUs(this.loopDelay.mean),
      loopDelayP99Us: lateUs(this.loopDelay.percentile(99)),
    };
  }

  unackedTo(peer: NodeId): number {
    return this.layer?.unackedTo(peer) ?? 0;
  }

  peerStatus(cluster: readonly NodeId[]): PeerStatus[] {
    return cluster
      .filter((id) => id !== this.self)
      .map((peer) => ({
        peer,
        connected: this.connected.has(peer),
        queuedBytes: this.transport.queuedBytes({ kind: 'node', id: peer }),
        unacked: this.layer.unackedTo(peer),
      }));
  }

  onPeerState(peer: Endpoint, state: 'connected' | 'disconnected'): void {
    if (peer.kind !== 'node') return;
    if (state === 'connected') this.connected.add(peer.id);
    else this.connected.delete(peer.id);
  }

  onFrame(from: Endpoint, payload: Uint8Array): void {
    if (this.stopped) return;
    const w = decodeWire(payload);
    if (typeof w === 'string') return this.badFrame(from, w);
    if (from.kind === 'node') {
      if (w.t === 'msg' || w.t === 'ken') {
        if (w.t !== this.layer.wire) return this.wrongLayer(from.id, w.t);
        const body = w.t === 'msg' ? w.msg : w.frame;
        return this.input('message', () => this.layer.message(from.id, body));
      }
      if (w.t === 'member') return this.problem(from, this.membership.onMember(w));
      return this.badFrame(from, `a node sent a '${w.t}' frame`);
    }
    switch (w.t) {
      case 'req':
        // A request id is its client's: a client may not answer for, or collide with, another's requests.
        if (!w.id.startsWith(`${from.id}/`)) return this.badFrame(from, `request id '${w.id.slice(0, 80)}' does not start with the client's id '${from.id}/'`);
        this.counters.requests++;
        this.clients.note(w.id, from.id);
        this.timing.request(w.id);
        return this.input('request', () => this.layer.request(w.id, from.id, w.req));
      case 'join':
        if (!w.id.startsWith(`${from.id}/`)) return this.badFrame(from, `join id '${w.id.slice(0, 80)}' does not start with the client's id '${from.id}/'`);
        return this.problem(from, this.membership.onJoin(from, w));
      case 'inspect':
        this.transport.send(from, encodeWire({ t: 'state', id: w.id, node: this.self, ken: this.layer.wire === 'ken', state: this.layer.appState }));
        return;
      default:
        return this.badFrame(from, `a client sent a '${w.t}' frame`);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.loopDelay.disable();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.flushing; // its outputs go out before the last flush
    try {
      this.carryOut(this.layer.flush());
    } catch (err) {
      this.log(`${this.self}: final flush failed: ${(err as Error).message}`);
    }
    this.layer.close();
    await this.transport.close();
  }

  /** Runs one input through the layer, carries out its outputs, and schedules a flush. */
  private input(what: string, run: () => LayerOutput[], released = false): void {
    if (this.stopped) return;
    if (!released) this.timing.input();
    try {
      this.carryOut(run());
    } catch (err) {
      this.counters.handlerErrors++;
      this.log(`${this.self}: ${what} dropped: ${(err as Error).message}`);
    }
    if (this.layer.flushPending && !this.flushScheduled && this.flushing === undefined) {
      this.flushScheduled = true;
      setImmediate(() => this.flush()); // det-ok: group commit once the ready inputs are handled
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.stopped) return;
    this.timing.flushBegins();
    if (this.layer.flushAsync === undefined) {
      return this.input('flush', () => {
        const outs = this.layer.flush();
        this.timing.flushDone();
        return outs;
      }, true);
    }
    this.flushing = this.layer.flushAsync().then(
      (outs) => {
        this.flushing = undefined;
        this.timing.flushDone();
        if (this.stopped) this.carryOut(outs);
        else this.input('flush', () => outs, true);
      },
      (err: unknown) => {
        this.flushing = undefined;
        this.input('flush', () => {
          throw err;
        }, true);
      },
    );
  }

  private carryOut(outputs: readonly LayerOutput[]): void {
    // A broadcast is one send per peer with the same payload: encoded once, for consecutive sends of it.
    let last: { payload: unknown; bytes: Uint8Array } | undefined;
    for (const out of outputs) {
      switch (out.kind) {
        case 'send':
          if (out.to === this.self) this.sendToSelf(out.payload);
          else {
            if (last === undefined || last.payload !== out.payload) last = { payload: out.payload, bytes: this.encodeForNode(out.payload) };
            if (!this.transport.send({ kind: 'node', id: out.to }, last.bytes)) this.counters.sendsDropped++;
          }
          break;
        case 'reply':
          this.counters.replies++;
          this.timing.reply(out.requestId);
          this.toClient(out.requestId, { t: 'rep', id: out.requestId, result: out.result });
          break;
        case 'redirect':
          this.toClient(out.requestId, { t: 'redir', id: out.requestId, to: out.to });
          break;
        case 'setTimer': {
          const old = this.timers.get(out.tag);
          if (old !== undefined) clearTimeout(old);
          const tag = out.tag;
          const t = setTimeout(() => { // det-ok: real timers
            this.timers.delete(tag);
            this.input(`timer ${tag}`, () => this.layer.timer(tag));
          }, out.delayMs);
          this.timers.set(tag, t);
          break;
        }
        case 'cancelTimer': {
          const old = this.timers.get(out.tag);
          if (old !== undefined) clearTimeout(old);
          this.timers.delete(out.tag);
          break;
        }
        case 'log':
          this.log(`${this.self}: ${out.text}`);
          break;
      }
    }
  }

  private sendToSelf(payload: unknown): void {
    setImmediate(() => this.input('message', () => this.layer.message(this.self, payload))); // det-ok: a message to itself
  }

  private encodeForNode(payload: unknown): Uint8Array {
    return encodeWire(this.layer.wire === 'ken' ? { t: 'ken', frame: payload } : { t: 'msg', msg: payload });
  }

  private toClient(requestId: string, w: Wire): void {
    const client = this.clients.clientOf(requestId);
    if (client === undefined || !this.transport.send({ kind: 'client', id: client }, encodeWire(w))) this.counters.repliesUnroutable++;
  }

  private problem(from: Endpoint, reason: string | null): void {
    if (reason !== null) this.badFrame(from, reason);
  }

  private badFrame(from: Endpoint, reason: string): void {
    this.counters.badFrames++;
    const key = `${from.kind}:${from.id}`;
    const n = (this.badFramesFrom.get(key) ?? 0) + 1;
    if (this.badFramesFrom.size < 10_000 || this.badFramesFrom.has(key)) this.badFramesFrom.set(key, n);
    if (n <= BAD_FRAME_LOG_MAX || n % BAD_FRAME_LOG_EVERY === 0) this.log(`${this.self}: dropped a frame from ${from.kind} ${from.id} (${n} so far): ${reason}`);
  }

  private wrongLayer(peer: NodeId, got: string): void {
    if (this.wrongLayerFrom.has(peer)) return;
    this.wrongLayerFrom.add(peer);
    const mine = this.layer.wire === 'ken' ? 'with --ken' : 'without --ken';
    this.log(`${this.self}: ${peer} sends '${got}' frames but this node runs ${mine}: start every node of the cluster the same way; its frames are dropped`);
  }
}
