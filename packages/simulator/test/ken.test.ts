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
    expect(ratio(group)).toBeGreaterThan(3);
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

  it("the 'disk' fault kind generates tearing crashes", () => {
    const r = simulate({ protocol: probe(), seed: 7, faults: ['disk'], durationMs: 20_000, scenario: { ken: true, maxFaultyNodes: 1 } });
    const crashes = r.plan.filter((f) => f.kind === 'crash');
    expect(crashes.length).toBeGreaterThan(0);
    expect(crashes.every((f) => f.kind === 'crash' && f.tear === true)).toBe(true);
    expect(r.ok).toBe(true);
  });

  it('a crash point crashes the node exactly once, right after the record it names', () => {
    const written = run({ durationMs: 800, quietMs: 500 }, 1, { crashPoint: { node: 'n2', record: 3, when: 'written', downMs: 40 } });
    const durable = run({ durationMs: 800, quietMs: 500 }, 1, { crashPoint: { node: 'n2', record: 3, when: 'durable', downMs: 40 } });
    for (const r of [written, durable]) {
      expect(r.ok).toBe(true);
      expect(records(r, 'fault').filter((f) => f.fault.kind === 'crash').map((f) => f.fault)).toHaveLength(1);
      expect(r.ken!.find((k) => k.node === 'n2')!.recoveries).toBe(1);
    }
    // Crashing after the write but before the fsync loses the record; after the fsync, it survives.
    const lostRecords = (r: ReturnType<typeof run>) => r.ken!.find((k) => k.node === 'n2')!;
    expect(lostRecords(written).records).toBeGreaterThanOrEqual(3);
    const crashAt = (r: ReturnType<typeof run>) => records(r, 'fault').find((f) => f.fault.kind === 'crash')!.t;
    expect(crashAt(durable)).toBeGreaterThan(crashAt(written));
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
    ['on', 'ken must be true, false or an object'],
  ])('rejects ken: %j', (ken, message) => {
    expect(() => run({}, 1, ken as never)).toThrow(ConfigError);
    expect(() => run({}, 1, ken as never)).toThrow(message);
  });
});
