import net from 'node:net';
import { createTransport, type Security, type Transport } from '@faultline/runtime/net';

/**
 * The network transport's throughput: 1 KiB messages from one endpoint to another on
 * loopback, counted at the receiver, through our transport (plaintext and TLS-PSK), and
 * through a raw node:net socket with the same framing done by hand and the same best effort
 * (every frame sent during a tick coalesced into one write, receiver decoding each frame).
 * Sender and receiver share this process, equally for all three.
 */

const MESSAGE_BYTES = 1024;
/** The sender stops producing while this much is queued, and sends at most this many per tick. */
const BACKLOG_BYTES = 1024 * 1024;
const BURST = 1024;
const WARM_MS = 150;
const ROUND_MS = 500;
/** Rounds per kind of link, interleaved (raw, ours, ours over TLS, raw, ...) so that drift in the machine's load hits all alike. */
const ROUNDS = 3;
const HOST = '127.0.0.1';

/** A sender that pumps once per tick, and a receiver-side counter. */
interface Link {
  sendOne(): boolean;
  backlogBytes(): number;
  flush(): void;
  received(): number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)); // det-ok: benchmark

/** Messages per second at the receiver over one round, after a warm-up; closes the link. */
async function measure(link: Link): Promise<number> {
  let running = true;
  const pump = (): void => {
    if (!running) return;
    for (let i = 0; i < BURST && link.backlogBytes() < BACKLOG_BYTES; i++) if (!link.sendOne()) break;
    link.flush();
    setImmediate(pump); // det-ok: benchmark
  };
  pump();
  await sleep(WARM_MS);
  const n0 = link.received();
  const t0 = process.hrtime.bigint(); // det-ok: benchmark
  await sleep(ROUND_MS);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9; // det-ok: benchmark
  const rate = (link.received() - n0) / seconds;
  running = false;
  await link.close();
  return rate;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function transportLink(security: Security): Promise<Link> {
  let count = 0;
  const receiver: Transport = createTransport({
    self: { kind: 'node', id: 'n2' },
    listen: { host: HOST, port: 0 },
    peers: { n1: { host: HOST, port: 1 } }, // n2 never dials n1 (the smaller id dials)
    security,
    onMessage: () => void count++,
    onLog: () => {},
  });
  const { port } = await receiver.start();
  let connected!: () => void;
  const up = new Promise<void>((r) => (connected = r));
  const sender = createTransport({
    self: { kind: 'node', id: 'n1' },
    peers: { n2: { host: HOST, port: port! } },
    security,
    onMessage: () => {},
    onLog: () => {},
    onPeerState: (_peer, state) => state === 'connected' && connected(),
  });
  await sender.start();
  await up;
  const to = { kind: 'node', id: 'n2' } as const;
  const payload = new Uint8Array(MESSAGE_BYTES).fill(7);
  return {
    sendOne: () => sender.send(to, payload),
    backlogBytes: () => sender.queuedBytes(to),
    flush: () => {},
    received: () => count,
    close: async () => {
      await sender.close();
      await receiver.close();
    },
  };
}

/** The baseline: a plain socket, frames encoded by hand into one buffer per tick. */
async function rawLink(): Promise<Link> {
  let count = 0;
  // A frame split across chunks is assembled in `partial`; whole frames are views of the chunk.
  let header: Buffer | null = null;
  let partial: Buffer | null = null;
  let partialFill = 0;
  const server = net.createServer({ noDelay: true }, (s) => {
    s.on('data', (data: Buffer) => {
      let chunk = data;
      let off = 0;
      if (header !== null) {
        chunk = Buffer.concat([header, data]);
        header = null;
      }
      if (partial !== null) {
        const take = Math.min(partial.length - partialFill, chunk.length);
        chunk.copy(partial, partialFill, 0, take);
        partialFill += take;
        off = take;
        if (partialFill < partial.length) return;
        partial = null;
        count++;
      }
      while (chunk.length - off >= 4) {
        const length = chunk.readUInt32BE(off);
        off += 4;
        if (chunk.length - off < length) {
          partial = Buffer.allocUnsafe(length);
          partialFill = chunk.copy(partial, 0, off);
          return;
        }
        const frame = chunk.subarray(off, off + length);
        off += length;
        if (frame.length === length) count++;
      }
      if (off < chunk.length) header = Buffer.from(chunk.subarray(off));
    });
  });
  await new Promise<void>((r) => server.listen(0, HOST, () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const socket = net.connect({ host: HOST, port, noDelay: true });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const payload = new Uint8Array(MESSAGE_BYTES).fill(7);
  const batchBytes = BURST * (4 + MESSAGE_BYTES);
  let batch = Buffer.allocUnsafe(batchBytes);
  let fill = 0;
  return {
    sendOne: () => {
      batch.writeUInt32BE(MESSAGE_BYTES, fill);
      batch.set(payload, fill + 4);
      fill += 4 + MESSAGE_BYTES;
      return true;
    },
    backlogBytes: () => socket.writableLength + fill,
    flush: () => {
      if (fill === 0) return;
      socket.write(batch.subarray(0, fill));
      batch = Buffer.allocUnsafe(batchBytes);
      fill = 0;
    },
    received: () => count,
    close: async () => {
      socket.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

export async function netFigures(): Promise<Record<string, number>> {
  const raw: number[] = [];
  const ours: number[] = [];
  const tls: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    raw.push(await measure(await rawLink()));
    ours.push(await measure(await transportLink({ kind: 'plaintext' })));
    tls.push(await measure(await transportLink({ kind: 'psk', key: 'benchmark key, not a secret' })));
  }
  return {
    'net.transport.msgsPerSec': median(ours),
    'net.raw.msgsPerSec': median(raw),
    'net.transportTls.msgsPerSec': median(tls),
    'net.transport.vsRaw': median(ours) / median(raw),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await netFigures());
}
