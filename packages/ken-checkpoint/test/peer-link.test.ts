import { describe, expect, it } from 'vitest';
import { KenUsageError, resolveKenOptions, type KenOutput } from '../src/index.ts';
import { PeerLink } from '../src/peer-link.ts';
import { Harness } from './harness.ts';
import { Pinger } from './pinger.ts';

const retransmitDelays = (out: readonly KenOutput[]) => out.flatMap((o) => (o.kind === 'setTimer' && o.tag === 'ken:rt:n2' ? [o.delayMs] : []));

/** Two started nodes, n1 pinging n2, with the given Ken options. */
function pair(options: object): Harness {
  const h = new Harness(['n1', 'n2'], new Pinger(10), options);
  h.start('n1');
  h.start('n2');
  h.sync('n1');
  h.sync('n2');
  return h;
}

/**
 * n1 sends one ping at `h.clockMs`; n2 takes `rttMs` to make it durable and ack it. Returns
 * the retransmission delay n1 arms for its next ping.
 */
function roundTrip(h: Harness, rttMs: number): number[] {
  h.node('n1').timer('tick');
  h.sync('n1');
  h.deliver(h.net.findIndex((m) => m.to === 'n2'));
  h.clockMs += rttMs;
  h.sync('n2');
  h.deliver(h.net.findIndex((m) => m.to === 'n1'));
  h.node('n1').timer('tick');
  return retransmitDelays(h.sync('n1'));
}

describe('Ken retransmission timeout', () => {
  it('follows the measured ack round trip with retransmitRtt (srtt + 4 rttvar), not the fixed minimum', () => {
    const h = pair({ retransmitRtt: true, retransmitMsMin: 50, retransmitMsMax: 2000 });
    expect(roundTrip(h, 200)).toEqual([600]); // first sample: srtt 200, rttvar 100
    const fixed = pair({ retransmitMsMin: 50, retransmitMsMax: 2000 });
    expect(roundTrip(fixed, 200)).toEqual([50]);
  });

  it('stays within [retransmitMsMin, retransmitMsMax]', () => {
    expect(roundTrip(pair({ retransmitRtt: true, retransmitMsMin: 50, retransmitMsMax: 300 }), 200)).toEqual([300]);
    expect(roundTrip(pair({ retransmitRtt: true, retransmitMsMin: 50, retransmitMsMax: 2000 }), 2)).toEqual([50]);
  });

  it('takes no sample from the ack of a resent message (Karn), and backs off from the timeout', () => {
    const h = pair({ retransmitRtt: true, retransmitMsMin: 50, retransmitMsMax: 5000 });
    h.node('n1').timer('tick');
    expect(retransmitDelays(h.sync('n1'))).toEqual([50]);
    h.net = []; // lost
    h.clockMs += 50;
    const resent = h.apply('n1', h.node('n1').timer('ken:rt:n2'));
    expect(retransmitDelays(resent)).toEqual([100]);
    h.deliver(0);
    h.clockMs += 1000;
    h.sync('n2');
    h.deliver(h.net.findIndex((m) => m.to === 'n1')); // a 1,050 ms round trip, were it sampled
    h.node('n1').timer('tick');
    expect(retransmitDelays(h.sync('n1'))).toEqual([50]);
  });

  it('smooths samples as RFC 6298 does', () => {
    const link = new PeerLink(10, 10_000, true);
    const ch = (next: number, first: number) => ({ next, unacked: Array.from({ length: next - first }, (_, i) => ({ seq: first + i, msg: null })) });
    link.release(1, 0);
    link.ackProgress(ch(2, 2), 1, 100); // srtt 100, rttvar 50
    expect(link.timeoutMs).toBe(300);
    link.release(2, 1000);
    link.ackProgress(ch(3, 3), 2, 1300); // rttvar 0.75*50 + 0.25*200 = 87.5, srtt 0.875*100 + 0.125*300 = 125
    expect(link.timeoutMs).toBe(475);
    const off = new PeerLink(10, 10_000, false);
    off.release(1, 0);
    off.ackProgress(ch(2, 2), 1, 100);
    expect(off.timeoutMs).toBe(10);
  });

  it('retransmitRtt is off unless asked for, and must be a boolean', () => {
    expect(resolveKenOptions().retransmitRtt).toBe(false);
    expect(() => resolveKenOptions({ retransmitRtt: 'yes' as unknown as boolean })).toThrow(KenUsageError);
  });
});
