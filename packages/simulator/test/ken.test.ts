import { describe, expect, it } from 'vitest';
import { ConfigError, simulate, type FaultEvent, type Scenario, type TraceRecord } from '../src/index.ts';
import { probe, type ProbeState } from './fixtures/probe.ts';

/** The probe: n1 broadcasts hello 1, 2, 3, ... every 100 ms; every node records what it gets. */
function run(scenario: Scenario, seed: number | string = 1, ken: Scenario['ken'] = true) {
  return simulate({ protocol: probe(), seed, scenario: { faults: [], ken, ...scenario }, trace: 'full' });
}
const stateOf = (r: ReturnType<typeof run>, id: string) => r.nodes.find((n) => n.id === id)!.state as ProbeState;
const records = <K extends TraceRecord['k']>(r: ReturnType<typeof run>, k: K) =>
  r.trace!.filter((x): x is Extract<TraceRecord, { k: K }> => x.k === k);
const hellos = (s: ProbeState) => s.got.map((g) => g.n);
const plan = (...events: FaultEvent[]) => ({ faultPlan: events });
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('Ken in the simulator', () => {
  it('turns a lossy, duplicating, reordering network into exactly-once, in-order delivery', () => {
    const network = { dropRate: 0.2, duplicateRate: 0.2, reorder: true, latencyMsMin: 1, latencyMsMax: 60 };
    const without = run({ network, quietMs: 1000 }, 3, false);
    const withKen = run({ network, quietMs: 1000 }, 3);
    // Without Ken the network's faults reach the app: some hello is missing or doubled.
    const raw = hellos(stateOf(without, 'n2'));
    expect(raw).not.toEqual(upTo(raw.length));
    // With Ken every node got 1, 2, 3, ... once each, and (after the quiet period) all of them.
    for (const id of ['n2', 'n3']) expect(hellos(stateOf(withKen, id))).toEqual(upTo(stateOf(withKen, 'n1').ticks));
    expect(withKen.ok).toBe(true);
  });

  it('a crashed node comes back from its disk as if it had only been slow', () => {
    const faults = plan({ atMs: 550, kind: 'crash', node: 'n2' }, { atMs: 1000, kind: 'restart', node: 'n2' });
    const r = run({ ...faults, durationMs: 1300, quietMs: 700 });
    expect(r.ok).toBe(true);
    const n2 = stateOf(r, 'n2');
    expect(n2.startedAt).toBe(0); // onStart did not run again: the state is the one from before the crash
    expect(hellos(n2)).toEqual(upTo(stateOf(r, 'n1').ticks)); // what it missed while down was resent
    expect(r.ken!.find((k) => k.node === 'n2')!.recoveries).toBe(1);
    expect(records(r, 'log').some((l) => l.node === 'n2' && l.text.includes('recovered from records'))).toBe(true);
    // Its timer was re-armed from the checkpoint: n2 went on ticking after the restart.
    expect(records(r, 'timer').some((t) => t.node === 'n2' && t.t > 1000)).toBe(true);
    // Without Ken, the same crash loses the state.
    const plain = run({ ...faults, durationMs: 1300, quietMs: 700 }, 1, false);
    expect(stateOf(plain, 'n2').startedAt).toBe(1000);
  });

  it('releases no message before the fsync that makes its turn durable', () => {
    const r = run({ durationMs: 600, quietMs: 100 }, 1, { fsyncMsMin: 7, fsyncMsMax: 7 });
    const sends = records(r, 'send').filter((s) => s.node === 'n1' && (s.msg as { ken: string }).ken === 'data');
    expect(sends.length).toBeGreaterThan(3);
    // n1 ticks at 100, 200, ...: each hello leaves 7 ms later, with the fsync.
    for (const s of sends) expect(s.t % 100).toBeCloseTo(7, 6);
    for (const s of sends) expect(records(r, 'durable').some((d) => d.node === 'n1' && d.t === s.t)).toBe(true);
  });

  it('group commit covers several turns with one fsync; without it, one fsync per turn and inputs wait', () => {
    const busy = { durationMs: 1000, quietMs: 200, workload: { clients: 30, thinkMs: 0.5 } } as const;
    const group = run(busy, 1, { fsyncMsMin: 5, fsyncMsMax: 5 });
    const single = run(busy, 1, { groupCommit: false, fsyncMsMin: 5, fsyncMsMax: 5 });
    const ratio = (r: ReturnType<typeof run>) => {
      const n1 = r.ken!.find((k) => k.node === 'n1')!;
      return n1.records / n1.fsyncs;
    };
    expect(group.ok && single.ok).toBe(true);
    expect(ratio(group)).toBeGreaterThan(2); // diluted by the quiet period, where only ticks write
    expect(ratio(single)).toBeLessThan(1.1);
    // Turn at a time, throughput is bound by the disk: far fewer requests get done.
    const done = (r: ReturnType<typeof run>) => r.history.filter((o) => o.status === 'ok').length;
    expect(done(group)).toBeGreaterThan(2 * done(single));
  });

  it('a disk fault tears the record being written; recovery drops it by its CRC', () => {
    // fsyncs take 20 ms, so a crash 5 ms after a tick finds that tick's record unsynced.
    const crashes = [305, 705, 1105, 1505].flatMap((t): FaultEvent[] => [
      { atMs: t, kind: 'crash', node: 'n1', tear: true },
      { atMs: t + 50, kind: 'restart', node: 'n1' },
    ]);
    const tears = [1, 2, 3, 4, 5].map((seed) => {
      const r = run({ ...plan(...crashes), durationMs: 2000, quietMs: 1000 }, seed, { fsyncMsMin: 20, fsyncMsMax: 20 });
      expect(r.ok).toBe(true);
      for (const id of ['n2', 'n3']) expect(hellos(stateOf(r, id))).toEqual(upTo(hellos(stateOf(r, id)).length));
      return r.ken!.find((k) => k.node === 'n1')!.tornWrites;
    });
    expect(tears.reduce((a, b) => a + b)).toBeGreaterThan(0);
  });

  it("the 'disk' fault kind crashes nodes in the middle of a write, tearing it", () => {
    let tears = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const r = simulate({ protocol: probe(), seed, faults: ['disk'], durationMs: 20_000, scenario: { ken: true, maxFaultyNodes: 1 } });
      const planned = r.plan.filter((f) => f.kind === 'crash');
      expect(planned.length).toBeGreaterThan(0);
      expect(planned.every((f) => f.kind === 'crash' && f.tear === true)).toBe(true);
      expect(r.ok).toBe(true);
      tears += r.ken!.reduce((n, k) => n + k.tornWrites, 0);
      expect(r.ken!.reduce((n, k) => n + k.recoveries, 0)).toBeGreaterThan(0);
    }
    // Each crash waits for a write, and a torn prefix is kept with a random length (maybe zero).
    expect(tears).toBeGreaterThan(10);
  });

  it('a paused node releases nothing, even when its fsync completes', () => {
    const faults = plan({ atMs: 101, kind: 'pause', node: 'n1' }, { atMs: 250, kind: 'resume', node: 'n1' });
    const r = run({ ...faults, durationMs: 400 }, 1, { fsyncMsMin: 7, fsyncMsMax: 7 });
    const sends = records(r, 'send').filter((s) => s.node === 'n1' && s.t > 100 && s.t < 300);
    // The tick at 100 is released on resume, not at 107 when its fsync completed.
    expect(sends.filter((s) => s.t < 250)).toEqual([]);
    expect(sends.filter((s) => s.t === 250).length).toBeGreaterThan(0);
    expect(r.ok).toBe(true);
  });

  it('a crash point crashes the node exactly once, right where it says', () => {
    const at = (when: 'written' | 'synced' | 'durable') => {
      const r = run({ durationMs: 800 }, 1, { crashPoint: { node: 'n2', record: 5, when, downMs: 40 } });
      expect(r.ok).toBe(true);
      const crashes = records(r, 'fault').filter((f) => f.fault.kind === 'crash');
      expect(crashes).toHaveLength(1);
      expect(r.ken!.find((k) => k.node === 'n2')!.recoveries).toBe(1);
      const crashIndex = r.trace!.indexOf(crashes[0]!);
      const before = r.trace!.slice(0, crashIndex);
      const durableBefore = Math.max(0, ...before.filter((x) => x.k === 'durable' && x.node === 'n2').map((x) => (x as { upTo: number }).upTo));
      return { before, durableBefore, last: before[before.length - 1]! };
    };
    // Written: record 5 never became durable before the crash, so it is lost.
    expect(at('written').durableBefore).toBeLessThan(5);
    // Synced: the crash comes right after the fsync that covered it, before anything is released.
    const synced = at('synced');
    expect(synced.durableBefore).toBeGreaterThanOrEqual(5);
    expect(synced.last).toMatchObject({ k: 'durable', node: 'n2' });
    // Durable: its outputs went out first.
    const durable = at('durable');
    expect(durable.durableBefore).toBeGreaterThanOrEqual(5);
    expect(durable.last.k).not.toBe('durable');
    // A crash point the run never reaches is reported, not passed over.
    const never = run({ durationMs: 800 }, 1, { crashPoint: { node: 'n2', record: 10_000, when: 'durable', downMs: 40 } });
    expect(never.violation?.property).toBe('ken-crash-point');
  });

  it('a disk that lies about fsync breaks transparency, and the checker says so', () => {
    const scenario: Scenario = { faults: ['crash'], durationMs: 5000, maxFaultyNodes: 1 };
    const honest = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => run(scenario, seed));
    expect(honest.every((r) => r.ok)).toBe(true);
    const lying = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => run(scenario, seed, { dishonestFsync: true }));
    const caught = lying.filter((r) => r.violation?.property === 'ken-transparency');
    expect(caught.length).toBeGreaterThan(0);
  });

  it('the same seed gives the same trace, with Ken and crashes', () => {
    const scenario: Scenario = { faults: ['crash', 'drop', 'duplicate'], ken: true, durationMs: 5000 };
    const a = simulate({ protocol: probe(), seed: 11, scenario });
    const b = simulate({ protocol: probe(), seed: 11, scenario });
    expect(a.traceHash).toBe(b.traceHash);
    const off = simulate({ protocol: probe(), seed: 11, scenario: { ...scenario, ken: false } });
    expect(off.traceHash).not.toBe(a.traceHash);
  });

  it.each([
    [{ groupCommit: 'yes' }, 'ken.groupCommit must be true or false'],
    [{ fsyncMsMin: 5, fsyncMsMax: 2 }, 'fsyncMsMin <= fsyncMsMax'],
    [{ fsync: 1 }, "unknown setting 'fsync'"],
    [{ options: { snapshotEveryTurns: 0 } }, 'snapshotEveryTurns must be an integer >= 1'],
    [{ crashPoint: { node: 'n9', record: 1, when: 'written', downMs: 1 } }, 'unknown node "n9"'],
    [{ crashPoint: { node: 'n1', record: 0, when: 'written', downMs: 1 } }, 'record must be an integer >= 1'],
    [{ crashPoint: { node: 'n1', record: 1, when: 'later', downMs: 1 } }, "must be 'written', 'synced' or 'durable'"],
    [{ dishonestFsync: 1 }, 'ken.dishonestFsync must be true or false'],
    ['on', 'ken must be true, false or an object'],
  ])('rejects ken: %j', (ken, message) => {
    expect(() => run({}, 1, ken as never)).toThrow(ConfigError);
    expect(() => run({}, 1, ken as never)).toThrow(message);
  });
});
