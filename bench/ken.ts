import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileStore, KenNode, SimDisk, type CheckpointStore, type KenOutput } from '@faultline/ken-checkpoint';
import { Service, TurnExecutor, type Context, type NodeId, type RequestId, type TurnHost } from '@faultline/runtime';
import { medianOf, ratePerSec } from './measure.ts';

/**
 * Ken's checkpointing cost, turn by turn: the same small service run bare through the
 * runtime's `TurnExecutor`, then inside a `KenNode` over a simulated disk (Ken's CPU
 * cost: patches, record encoding, CRC, outbox, request cache), over a `FileStore` with
 * one fdatasync per turn, over a `FileStore` with group commit blocking on each group's
 * fdatasync (`fileGroupBlocking`), and with pipelined group commit (`fileGroup`: turns
 * run while the previous group's fdatasync is in flight, as in the host layer and in Ken
 * itself; its rounds alternate with the bare ones). Plus the raw write + fdatasync rate of
 * the same file system, the ceiling of turn-at-a-time commit, and the median and 99th
 * percentile of one such pair's time.
 */

const SELF = 'n1';
const PEER = 'n2';
const CLUSTER = [SELF, PEER];
const ACCOUNTS = 64;
/** Requests per group commit, and how often the simulated peer acknowledges. */
const BATCH = 64;
/**
 * Requests per step of the pipelined figure. A step ends by waiting for everything it
 * appended to be durable (so that it can check every reply was released), an idle wait
 * the host's pipeline never has: with steps of 4 groups it was a quarter of the figure's
 * time in its profile; with 64 groups the wait falls on one step in 4,096 requests.
 */
const PIPELINED_STEP = BATCH * 64;
/**
 * Requests every Ken node handles before it is measured, so that it runs in its steady
 * state: the request cache (10,000 ids by default) is full and evicting, and the log has
 * been compacted behind a snapshot many times. A fresh node is several times faster,
 * because request turns copy parts of the cache and every snapshot serializes all of it.
 */
const WARM_REQUESTS = 10_500;
/** Write + fdatasync pairs timed one by one for the disk's latency percentiles. */
const FSYNC_LATENCY_SAMPLES = 500;
/** Each measured round (and medianOf's warm-up round) runs this long. */
const ROUND_MS = 400;

/** A bank: a transfer moves money between two accounts, counts itself, tells the peer, replies. */
interface BankState {
  balances: Record<string, number>;
  transfers: number;
  lastTransfer: { from: string; to: string; amount: number } | null;
}
type Transfer = { from: number; to: number; amount: number };
type BankMsg = { type: 'transfer'; n: number; from: string; to: string; amount: number };
type Ctx = Context<BankState, BankMsg, number>;

class Bank extends Service<BankState, BankMsg, Transfer, number> {
  initialState(): BankState {
    const balances: Record<string, number> = {};
    for (let i = 0; i < ACCOUNTS; i++) balances[`a${i}`] = 1_000_000;
    return { balances, transfers: 0, lastTransfer: null };
  }
  override onRequest(ctx: Ctx, req: Transfer, requestId: RequestId): void {
    const s = ctx.state;
    const from = `a${req.from}`;
    const to = `a${req.to}`;
    s.balances[from] = s.balances[from]! - req.amount;
    s.balances[to] = s.balances[to]! + req.amount;
    s.transfers++;
    s.lastTransfer = { from, to, amount: req.amount };
    ctx.send(PEER, { type: 'transfer', n: s.transfers, from, to, amount: req.amount });
    ctx.reply(requestId, s.balances[from]!);
  }
  /** The peer's side: mirror the transfer (not exercised here: the peer is simulated). */
  onMessage(ctx: Ctx, _from: NodeId, msg: BankMsg): void {
    const s = ctx.state;
    s.balances[msg.from] = (s.balances[msg.from] ?? 0) - msg.amount;
    s.balances[msg.to] = (s.balances[msg.to] ?? 0) + msg.amount;
    s.transfers = msg.n;
  }
}

function transfer(i: number): Transfer {
  return { from: i % ACCOUNTS, to: (i * 7 + 3) % ACCOUNTS, amount: 1 + (i % 5) };
}

const bank = new Bank();
/** A fixed clock and random stream: Ken's retransmission timers are armed but never fired here. */
const host: TurnHost = { now: () => 0, random: () => 0.5 };

/** Bare: TurnExecutor only, effects collected and dropped. Returns turns done. */
function offRun(turns: number): number {
  const exec = new TurnExecutor<BankState>(bank, SELF, CLUSTER, host);
  let state = exec.initialState();
  state = exec.run(state, { kind: 'start' }).state;
  let replies = 0;
  for (let i = 0; i < turns; i++) {
    const r = exec.run(state, { kind: 'request', requestId: `r${i}`, client: 'c1', req: transfer(i) });
    state = r.state;
    for (const e of r.effects) if (e.kind === 'reply') replies++;
  }
  if (replies !== turns) throw new Error(`off: ${replies} replies for ${turns} turns`);
  return turns;
}

/**
 * One KenNode and its driver. The peer is simulated: its frames are collected, not
 * delivered, and every BATCH requests it acknowledges (cumulatively) everything released
 * so far, as a Ken peer that acks once per group commit would. That keeps the outbox
 * (4,096 per peer) from filling without running a second KenNode, whose CPU would count
 * against this one. Each ack is itself a small recorded turn: part of Ken's cost.
 */
class KenBench {
  readonly node: KenNode<BankState>;
  private next = 0;
  /** Outputs released by durable(): what the outside world may see. */
  private replies = 0;
  private releasedSeq = 0;
  private ackedSeq = 0;

  constructor(
    readonly store: CheckpointStore,
    private readonly syncStore: () => number,
  ) {
    this.node = new KenNode<BankState>(bank, SELF, CLUSTER, host, store);
    this.held(this.node.start());
    this.release();
  }

  /** Outputs of an input: nothing may leave before its record is durable. */
  private held(outs: KenOutput[]): void {
    for (const o of outs) if (o.kind === 'frame' || o.kind === 'reply' || o.kind === 'redirect') throw new Error(`ken bench: ${o.kind} released before durable()`);
  }

  /** Syncs the store and releases everything it covers. */
  private release(): void {
    this.releaseUpTo(this.syncStore());
  }

  private releaseUpTo(upTo: number): void {
    for (const o of this.node.durable(upTo)) {
      if (o.kind === 'reply') this.replies++;
      else if (o.kind === 'frame' && o.frame.ken === 'data') this.releasedSeq = o.frame.seq;
    }
  }

  private ackIfDue(): void {
    if (this.next % BATCH === 0 && this.releasedSeq > this.ackedSeq) {
      this.held(this.node.frame(PEER, { ken: 'ack', ack: this.releasedSeq }));
      this.ackedSeq = this.releasedSeq;
    }
  }

  private request(): void {
    this.ackIfDue();
    const i = this.next++;
    this.held(this.node.request(`r${i}`, 'c1', transfer(i)));
  }

  /** `turns` requests, each synced and released before the next (turn-at-a-time commit). */
  oneByOne(turns: number): number {
    const before = this.replies;
    for (let k = 0; k < turns; k++) {
      this.request();
      this.release();
    }
    return this.checked(before, turns);
  }

  /** `turns` requests in groups of BATCH pipelined requests, one blocking sync and release per group. */
  grouped(turns: number): number {
    const before = this.replies;
    for (let k = 0; k < turns; k += BATCH) {
      for (let j = 0; j < BATCH && k + j < turns; j++) this.request();
      this.release();
    }
    return this.checked(before, turns);
  }

  /**
   * `turns` requests with pipelined group commit, as the host layer's `flushAsync` does:
   * requests arrive BATCH at a time and run while the previous group's fdatasync is in
   * flight (off the event loop); when it completes, the outputs it covered are released
   * and the next sync covers every record appended meanwhile. Ends with all released.
   */
  async pipelined(sync: () => Promise<number>, turns: number): Promise<number> {
    const before = this.replies;
    let inFlight: Promise<void> | undefined;
    let synced: number | undefined;
    const startSync = () => {
      inFlight = sync().then((upTo) => {
        synced = upTo;
      });
    };
    const releaseSynced = () => {
      if (synced === undefined) return;
      this.releaseUpTo(synced);
      synced = undefined;
      inFlight = undefined;
    };
    for (let k = 0; k < turns; k += BATCH) {
      for (let j = 0; j < BATCH && k + j < turns; j++) this.request();
      if (inFlight === undefined) startSync();
      // Lets a finished sync's callback run. On a disk so slow that one sync outlasts most
      // of the outbox (the peer acks only what was released), waits for it instead, as a
      // host's app holding back on `ctx.unackedTo` would: it threw KenOutboxFullError.
      const outboxNearlyFull = this.node.unackedTo(PEER) + 2 * BATCH > this.node.options.outboxMaxPerPeer;
      await (outboxNearlyFull ? inFlight : new Promise((resolve) => setImmediate(resolve)));
      releaseSynced();
    }
    while (this.replies - before < turns) {
      if (inFlight === undefined) startSync();
      await inFlight;
      releaseSynced();
    }
    return this.checked(before, turns);
  }

  private checked(before: number, turns: number): number {
    const got = this.replies - before;
    if (got !== turns) throw new Error(`ken bench: ${got} replies released by durable() for ${turns} requests`);
    return turns;
  }
}

function simBench(): KenBench {
  const disk = new SimDisk(SELF);
  const b = new KenBench(disk, () => {
    const upTo = disk.beginSync();
    disk.completeSync(upTo);
    return upTo;
  });
  b.grouped(WARM_REQUESTS);
  return b;
}

/**
 * Small appends, each followed by fdatasync: the most turn-at-a-time commit can do here.
 * With `latenciesMs`, each pair's time goes into it.
 */
function fsyncLoop(dir: string, count: number, latenciesMs?: number[]): number {
  const file = path.join(dir, 'fsync-loop');
  const fd = fs.openSync(file, 'w');
  const bytes = new Uint8Array(200).fill(7);
  try {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      fs.writeSync(fd, bytes, 0, bytes.length, i * bytes.length);
      fs.fdatasyncSync(fd);
      latenciesMs?.push(performance.now() - t0);
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  return count;
}

/** Repeats `step` (which returns the turns it did) until `ms` have passed; returns the total. */
function repeatFor(ms: number, step: () => number): number {
  const until = performance.now() + ms;
  let count = 0;
  do count += step();
  while (performance.now() < until);
  return count;
}

/** One async `repeatFor` round of ROUND_MS: its rate. */
async function asyncRound(step: () => Promise<number>): Promise<number> {
  const t0 = performance.now();
  let count = 0;
  do count += await step();
  while (performance.now() < t0 + ROUND_MS);
  return count / ((performance.now() - t0) / 1000);
}

/**
 * The rates of a sync and an async round, median of three each after a warm-up pair,
 * their rounds taken in turn: on a shared machine the load moves from second to second,
 * and a ratio of two figures measured one after the other moved with it.
 */
async function interleavedRates(a: () => number, b: () => Promise<number>): Promise<[number, number]> {
  a();
  await b();
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < 3; i++) {
    as.push(a());
    bs.push(await b());
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[1]!;
  return [median(as), median(bs)];
}

/**
 * The Ken figures. Rounds are time-bounded (ROUND_MS each, medianOf's warm-up round
 * included), so the section takes about the same time however fast Ken gets; the Ken
 * nodes' warm-up to steady state (WARM_REQUESTS) comes on top. One FileStore node serves
 * both the turn-at-a-time and the group-commit figures. Everything on disk lives in one
 * temp dir, removed afterwards.
 */
export async function kenFigures(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ken-bench-'));
  let store: FileStore | undefined;
  try {
    const rate = (step: () => number) => medianOf(3, () => ratePerSec(() => repeatFor(ROUND_MS, step)));
    const sim = simBench();
    const simRate = rate(() => sim.oneByOne(BATCH));
    store = new FileStore(path.join(dir, SELF));
    const fileStore = store;
    const file = new KenBench(fileStore, () => fileStore.sync());
    file.grouped(WARM_REQUESTS);
    const fileRate = rate(() => file.oneByOne(BATCH));
    const blockingGroupRate = rate(() => file.grouped(BATCH * 4));
    // The goal is set on fileGroup over off: their rounds alternate.
    const [off, groupRate] = await interleavedRates(
      () => ratePerSec(() => repeatFor(ROUND_MS, () => offRun(10_000))),
      () => asyncRound(() => file.pipelined(() => fileStore.syncAsync(), PIPELINED_STEP)),
    );
    const fsyncRate = rate(() => fsyncLoop(dir, 200));
    const fsyncMs: number[] = [];
    fsyncLoop(dir, FSYNC_LATENCY_SAMPLES, fsyncMs);
    fsyncMs.sort((a, b) => a - b);
    return {
      'ken.off.turnsPerSec': off,
      'ken.sim.turnsPerSec': simRate,
      'ken.file.turnsPerSec': fileRate,
      'ken.fileGroupBlocking.turnsPerSec': blockingGroupRate,
      'ken.fileGroup.turnsPerSec': groupRate,
      'disk.fsyncPerSec': fsyncRate,
      'disk.fdatasyncP50Ms': fsyncMs[Math.floor(fsyncMs.length / 2)]!,
      'disk.fdatasyncP99Ms': fsyncMs[Math.floor(fsyncMs.length * 0.99)]!,
    };
  } finally {
    store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
