import { laneOf, vectorClocks, type TraceRecord } from '@faultline/simulator';
import { simMs } from '../format.ts';

/**
 * Export to ShiViz (https://bestchai.bitbucket.io/shiviz/): one line per event,
 *
 *     <host> <vector clock as JSON> <event text>
 *
 * for example `n2 {"n1":4,"n2":7,"c1":2} recv n1 -> n2 #12 {"type":"replicate"} [t=31.204 ms, event 40]`.
 * In ShiViz, paste the file's text and set the parser regex to SHIVIZ_REGEX (named groups
 * host, clock and event; the clock never holds a `}`). Hosts are the nodes and the clients;
 * the host's own clock entry counts its events, 1, 2, 3, ... Records on no lane (the
 * configuration, partitions and heals, quiescence, the violation) have no host and are not
 * exported; the violation is named in the event text of the last record before it.
 */
export const SHIVIZ_REGEX = String.raw`(?<host>\S+) (?<clock>\{[^}]*\}) (?<event>.*)`;

/** The ShiViz log of `records`, with `describe` giving each record's event text. */
export function toShiViz(records: readonly TraceRecord[], describe: (r: TraceRecord) => string): string {
  const clocks = vectorClocks(records);
  const at = records.findIndex((r) => r.k === 'violation');
  const violation = at < 0 ? undefined : records[at];
  let lastOnLane = -1;
  for (let k = 0; k < (at < 0 ? records.length : at); k++) if (clocks[k] !== undefined) lastOnLane = k;
  const lines: string[] = [];
  records.forEach((r, k) => {
    const text = describe(r); // in order: the describer remembers messages by their sends
    const clock = clocks[k];
    const host = laneOf(r);
    if (clock === undefined || host === undefined) return;
    let event = `${text.replace(/\s+/g, ' ')} [t=${simMs(r.t)} ms, event ${r.i}]`;
    if (k === lastOnLane && violation?.k === 'violation') event += ` VIOLATION ${violation.property}: ${violation.message.replace(/\s+/g, ' ')}`;
    lines.push(`${host} ${JSON.stringify(clock)} ${event}`);
  });
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}
