import { describe, expect, it } from 'vitest';
import type { KenState } from '../src/index.ts';
import { Harness, totalStats } from './harness.ts';
import { Pinger, type PingState } from './pinger.ts';

const IDS = ['n1', 'n2', 'n3'];
const LIMIT = 25;

/**
 * One seeded run: three nodes ping each other over a network that drops, duplicates and
 * reorders, while nodes crash (sometimes tearing their last write), restart, and clients
 * retry requests. Checks as it goes that a recovered node is exactly where its last sync
 * left it, then heals everything and checks that each app saw each peer's messages
 * exactly once and in order, and applied each request once.
 */
function runSeed(seed: number): { stats: Record<string, number>; tears: number } {
  const h = new Harness(IDS, new Pinger(LIMIT, 3), { snapshotEveryTurns: 5, reorderBufferMax: 4, retransmitMsMin: 5, retransmitMsMax: 40 }, seed);
  const rng = h.rng;
  const lastDurable = new Map<string, { state: KenState<PingState>; requests: unknown }>();
  const sync = (id: string) => {
    h.sync(id);
    const n = h.node(id);
    lastDurable.set(id, { state: structuredClone(n.kenState) as KenState<PingState>, requests: n.requestEntries });
  };
  const restart = (id: string) => {
    h.start(id);
    const expected = lastDurable.get(id);
    if (expected !== undefined) {
      expect(h.node(id).kenState, `seed ${seed}: ${id} recovered`).toEqual(expected.state);
      expect(h.node(id).requestEntries, `seed ${seed}: ${id} recovered its request cache`).toEqual(expected.requests);
    }
  };
  for (const id of IDS) h.start(id);
  let crashes = 0;
  let steps = 0;
  for (; steps < 1500; steps++) {
    const up = IDS.filter((id) => h.up(id));
    const down = IDS.filter((id) => !h.up(id));
    const r = rng.random();
    if (r < 0.4 && h.net.length > 0) {
      const i = rng.int(h.net.length);
      const q = rng.random();
      if (q < 0.1) h.net.splice(i, 1);
      else if (q < 0.15) h.duplicate(i);
      else h.deliver(i);
    } else if (r < 0.62 && up.length > 0) {
      const id = up[rng.int(up.length)]!;
      if (h.slot(id).timers.size > 0) h.fire(id);
    } else if (r < 0.85 && up.length > 0) {
      sync(up[rng.int(up.length)]!);
    } else if (r < 0.88 && up.length > 1 && crashes < 8) {
      h.crash(up[rng.int(up.length)]!, rng.random() < 0.5);
      crashes++;
    } else if (r < 0.95 && down.length > 0) {
      restart(down[rng.int(down.length)]!);
    } else if (up.length > 0) {
      h.request(up[rng.int(up.length)]!, `req${rng.int(12)}`, { add: 1 });
    }
  }
  // Heal: everyone up, no more loss; run until every message is acked.
  for (const id of IDS) if (!h.up(id)) restart(id);
  for (let round = 0; round < 2000; round++) {
    for (const id of IDS) sync(id);
    while (h.net.length > 0) h.deliver(0);
    const busy = IDS.some((id) => h.slot(id).timers.size > 0 || IDS.some((p) => h.node(id).unackedTo(p) > 0));
    if (!busy && h.net.length === 0) break;
    for (const id of IDS) if (h.slot(id).timers.size > 0) h.fire(id);
  }
  for (const id of IDS) {
    const me = h.node(id).appState as PingState;
    expect(me.sent, `seed ${seed}: ${id} sent everything`).toBe(LIMIT);
    for (const p of IDS) expect(h.node(id).unackedTo(p), `seed ${seed}: ${id} -> ${p} acked`).toBe(0);
    for (const from of IDS) {
      if (from === id) continue;
      const expected = Array.from({ length: (h.node(from).appState as PingState).sent }, (_, i) => i + 1);
      expect(me.got[from], `seed ${seed}: ${id} got ${from}'s pings exactly once, in order`).toEqual(expected);
    }
    expect(new Set(me.applied).size, `seed ${seed}: ${id} applied each request once`).toBe(me.applied.length);
  }
  // A message number, once released, always carries the same message.
  const released = new Map<string, string>();
  for (const e of h.observed) {
    if (e.kind !== 'release-send') continue;
    const key = `${e.node}->${e.to}#${e.seq}`;
    const msg = JSON.stringify(e.msg);
    expect(released.get(key) ?? msg, `seed ${seed}: ${key} released with different contents`).toBe(msg);
    released.set(key, msg);
  }
  return { stats: totalStats(h), tears: IDS.reduce((n, id) => n + h.disk(id).counters.tears, 0) };
}

describe('KenNode under random faults', () => {
  it('every message is delivered exactly once and in order across repeated crashes (200 seeds)', () => {
    const sum: Record<string, number> = {};
    let tears = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = runSeed(seed);
      tears += r.tears;
      for (const [k, v] of Object.entries(r.stats)) sum[k] = (sum[k] ?? 0) + v;
    }
    // The runs did exercise every path: crashes (some torn), recoveries, duplicates,
    // reordering, retransmission, compaction and cached replies.
    expect(tears).toBeGreaterThan(50);
    for (const k of ['recoveries', 'duplicates', 'buffered', 'outOfWindow', 'retransmissions', 'compactions', 'cachedReplies', 'retriesDropped']) {
      expect(sum[k], k).toBeGreaterThan(10);
    }
  });
});
