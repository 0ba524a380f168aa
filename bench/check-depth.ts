import { check, type CheckOptions } from '@faultline/simulator';
import { chainReconfig } from '../packages/simulator/test/explore/fixtures/chain-reconfig.ts';
import { leaseFailover } from '../packages/simulator/test/explore/fixtures/lease-failover.ts';
import { ticketServer } from '../packages/simulator/test/explore/fixtures/ticket-server.ts';
import { tokenRing } from '../packages/simulator/test/explore/fixtures/token-ring.ts';
import { twoPhase } from '../packages/simulator/test/explore/fixtures/two-phase.ts';

/**
 * Going deep with `faultline check` (issue 17): unique states and steps to the first
 * violation, breadth first and `--directed`, on chain-reconfig's bug (untimed: 7 ticks and
 * two deliveries; timed: every node's ticks too, about 40 steps), lease-failover's timed
 * long-lease bug and two-phase commit's commit-on-majority; NaN when not found within the
 * budget (40,000 unique states). The counts are deterministic. Then `--warmup`: whether a bug past
 * the warm-up's end is found (1) and in how many unique states, by the search that goes
 * on from the initial state. Last, symmetry over clients: the ticket server's whole space
 * (3 clients, all asking n1) and the states to its duplicate-ticket bug, without and with
 * `symmetric: [['c1', 'c2', 'c3']]`.
 */
export function checkDepthFigures(): Record<string, number> {
  const out: Record<string, number> = {};
  const bug: [string, CheckOptions][] = [
    ['chain', { protocol: chainReconfig, bug: 'no-resend-on-reconfig', depth: 30, walks: 0 }],
    ['chainTimed', { protocol: chainReconfig, bug: 'no-resend-on-reconfig', depth: 45, walks: 0, timed: true }],
    ['lease', { protocol: leaseFailover, bug: 'long-lease', depth: 20, walks: 0, timed: true }],
    ['twoPhase', { protocol: twoPhase, bug: 'commit-on-majority', depth: 20, walks: 0 }],
  ];
  for (const [name, o] of bug) {
    for (const directed of [false, true]) {
      const r = check({ ...o, maxStates: 40_000, directed });
      const key = `check.depth.${name}.${directed ? 'directed' : 'bfs'}`;
      out[`${key}.statesToBug`] = r.violation !== undefined ? r.statesUnique : NaN;
      out[`${key}.stepsToBug`] = r.violation !== undefined ? r.statesExplored : NaN;
      out[`${key}.pathLength`] = r.violation !== undefined ? r.violation.depth : NaN;
    }
  }
  const warm: [string, CheckOptions][] = [
    ['ring', { protocol: tokenRing, faults: ['drop'], depth: 6, walkDepth: 30 }],
    ['chain', { protocol: chainReconfig, bug: 'no-resend-on-reconfig', depth: 10, walks: 0 }],
  ];
  for (const [name, o] of warm) {
    const r = check({ ...o, warmup: 2_000 });
    out[`check.warmup.${name}.found`] = r.ok ? 0 : 1;
    out[`check.warmup.${name}.states`] = r.statesUnique;
  }
  for (const [name, symmetric] of [['noSymmetry', undefined], ['clientSymmetry', [['c1', 'c2', 'c3']]]] as const) {
    const o = { protocol: ticketServer, depth: 40, walks: 0, requests: 3, ...(symmetric ? { symmetric } : {}) };
    out[`check.ticket.states.${name}`] = check(o).statesUnique;
    const bugged = check({ ...o, bug: 'number-by-acks' });
    out[`check.ticket.statesToBug.${name}`] = bugged.violation !== undefined ? bugged.statesUnique : NaN;
  }
  return out;
}
