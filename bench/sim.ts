import { primaryBackup } from '@faultline/protocols';
import { simulate } from '@faultline/simulator';
import { pingpong } from '../packages/simulator/test/fixtures/pingpong.ts';
import { medianOf, ratePerCpuSec } from './measure.ts';
import { rawPingPong } from './raw-loop.ts';

const PINGPONG_EVENTS = 1_000_000;
const PRIMARY_BACKUP_SEEDS = 20;

/**
 * Primary-backup with its client workload, default faults and every property checked
 * after every event, over a range of seeds: events per wall second, and simulated time
 * per wall time.
 */
function primaryBackupFigures(): Record<string, number> {
  let events = 0;
  let simulatedMs = 0;
  const t0 = process.hrtime.bigint();
  for (let seed = 1; seed <= PRIMARY_BACKUP_SEEDS; seed++) {
    const r = simulate({ protocol: primaryBackup, seed, trace: 'none' });
    events += r.events;
    simulatedMs += r.endMs;
  }
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { 'sim.primaryBackup.eventsPerSec': (events / wallMs) * 1000, 'sim.primaryBackup.speedup': simulatedMs / wallMs };
}

/**
 * The simulator's figures: ping-pong against a raw loop, and a real protocol. Ping-pong
 * and the raw loop are rated per CPU second of this process: a raw round takes about
 * 15 ms, so on a shared machine one descheduling in a wall-clock round moved
 * `overheadVsRaw` by half (6.5 to 12.2 in three runs at load average 15).
 */
export function simFigures(): Record<string, number> {
  const network = { latencyMsMin: 1, latencyMsMax: 1 };
  const run = (trace: 'none' | 'hash') => () =>
    ratePerCpuSec(() => simulate({ protocol: pingpong, seed: 1, trace, durationMs: PINGPONG_EVENTS, scenario: { network } }).events);
  return {
    'sim.pingpong.eventsPerSec': medianOf(3, run('none')),
    'sim.pingpong.hashedEventsPerSec': medianOf(3, run('hash')),
    'sim.rawLoop.eventsPerSec': medianOf(3, () => ratePerCpuSec(() => rawPingPong(PINGPONG_EVENTS))),
    ...primaryBackupFigures(),
  };
}
