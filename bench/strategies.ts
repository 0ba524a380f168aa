import { protocols } from '@faultline/protocols';
import type { ProtocolDefinition } from '@faultline/runtime';
import { check, simulate, type StrategyOptions } from '@faultline/simulator';
import { relayRace } from '../packages/simulator/test/explore/fixtures/relay-race.ts';

/** Seeds tried per protocol, bug and strategy, at most; "not found" is reported as this + 1. */
const MAX_SEEDS = 300;
/** Simulated events per protocol, bug and strategy, at most (about 15 seeds of primary-backup, 28 of the bank): a cap that is the same on every machine. */
const MAX_EVENTS = 50_000;
/** The whole bench stops starting new measurements after this wall time (the lead adds protocols). */
const TOTAL_BUDGET_MS = 28_000;
/** The check's bounds: node crashes as its only fault (a drop or duplicate per message multiplies the states), a warm-up, seed 2, 5 walks per probe of the critical transition. */
const CHECK = { depth: 8, maxStates: 2_000, walks: 20, walksPerPrefix: 5, warmup: 2_000, seed: '2' } as const;

interface Found {
  /** The 1-based count of seeds run up to and including the first failing one; `seedsRun + 1` when none failed. */
  readonly seeds: number;
  readonly found: boolean;
  readonly seedsRun: number;
}

function seedsToFind(protocol: ProtocolDefinition, bug: string | undefined, strategy: StrategyOptions): Found {
  let events = 0;
  let seed = 1;
  for (; seed <= MAX_SEEDS && events < MAX_EVENTS; seed++) {
    const r = simulate({ protocol, bug, seed, strategy, trace: 'none' });
    if (!r.ok) return { seeds: seed, found: true, seedsRun: seed };
    events += r.events;
  }
  return { seeds: seed, found: false, seedsRun: seed - 1 };
}

/**
 * For every protocol in the library and each of its bug variants (a protocol without
 * any: its correct version, named `correct`): how many seeds `faultline test` needs to find a violation
 * with `--strategy random` and with `--strategy pct` (depth 3; steps from seed 1 run with
 * random, as the CLI does), and how many states `faultline check` visits before it finds
 * one (depth 8 after a warm-up, 2 requests, crashes as the only fault, at most 2,000 unique
 * states). Each search is capped (300 seeds or 50,000 events; 2,000 states): `.found` 0
 * means not found, and the figure is then the seeds run + 1 (or 2,001 states). `.seedsRun` says how far a search went.
 * Past 28 s of wall time no new measurement starts (named on stderr), so that the bench
 * stays short as protocols are added.
 */
export async function strategyFigures(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const started = performance.now();
  // The ordering-bug fixture first: a three-hop relay overtaking a direct message (about 1 run in 400 with random latencies).
  for (const [name, strategy] of [['random', { kind: 'random' }], ['pct', { kind: 'pct', depth: 3 }]] as const) {
    const f = seedsToFind(relayRace, undefined, strategy);
    out[`strategy.fixture.relay-race.${name}.seeds`] = f.seeds;
    out[`strategy.fixture.relay-race.${name}.found`] = f.found ? 1 : 0;
  }
  for (const protocol of protocols)
    for (const bug of protocol.bugs.length > 0 ? protocol.bugs.map((b) => b.name) : [undefined]) {
      if (performance.now() - started > TOTAL_BUDGET_MS) {
        process.stderr.write(`strategies: time budget spent; ${protocol.name} ${bug ?? 'correct'} not measured\n`);
        continue;
      }
      const key = `strategy.${protocol.name}.${bug ?? 'correct'}`;
      const steps = simulate({ protocol, bug, seed: 1, trace: 'none' }).events;
      const strategies: [string, StrategyOptions][] = [
        ['random', { kind: 'random' }],
        ['pct', { kind: 'pct', depth: 3, steps }],
      ];
      for (const [name, strategy] of strategies) {
        if (performance.now() - started > TOTAL_BUDGET_MS) break;
        const f = seedsToFind(protocol, bug, strategy);
        out[`${key}.${name}.seeds`] = f.seeds;
        out[`${key}.${name}.found`] = f.found ? 1 : 0;
        if (!f.found) out[`${key}.${name}.seedsRun`] = f.seedsRun;
      }
      if (performance.now() - started > TOTAL_BUDGET_MS) continue;
      const c = check({ protocol, bug, ...CHECK, faults: protocol.faults.filter((f) => f === 'crash') });
      const found = !c.ok;
      out[`${key}.check.states`] = found ? c.statesExplored : CHECK.maxStates + 1;
      out[`${key}.check.found`] = found ? 1 : 0;
      if (c.violation) out[`${key}.check.depth`] = c.violation.depth;
      if (c.liveness?.critical.found) out[`${key}.check.criticalStep`] = c.liveness.critical.step;
    }
  return out;
}
