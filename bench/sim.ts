import { simulate } from '@faultline/simulator';
import { pingpong } from '../packages/simulator/test/fixtures/pingpong.ts';
import { medianOf, ratePerSec } from './measure.ts';
import { rawPingPong } from './raw-loop.ts';

const PINGPONG_EVENTS = 1_000_000;

/** The simulator's figures: ping-pong against a raw loop. */
export function simFigures(): Record<string, number> {
  const network = { latencyMsMin: 1, latencyMsMax: 1 };
  const run = (trace: 'none' | 'hash') => () =>
    ratePerSec(() => simulate({ protocol: pingpong, seed: 1, trace, durationMs: PINGPONG_EVENTS, scenario: { network } }).events);
  return {
    'sim.pingpong.eventsPerSec': medianOf(3, run('none')),
    'sim.pingpong.hashedEventsPerSec': medianOf(3, run('hash')),
    'sim.rawLoop.eventsPerSec': medianOf(3, () => ratePerSec(() => rawPingPong(PINGPONG_EVENTS))),
  };
}
