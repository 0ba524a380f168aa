import type { TraceRecord } from '@faultline/simulator';

/**
 * Messages in a trace. Every message, between nodes or between a client and a node, has an
 * id `m` (one counter for both). It leaves with one send record and may arrive once, twice
 * (a duplicate) or never (dropped).
 */

export { isReceive, isSend } from '@faultline/simulator';

/** The lane a send record's message goes to. */
export function destinationOf(r: Extract<TraceRecord, { k: 'send' | 'attempt' | 'reply' | 'redirect' }>): string {
  switch (r.k) {
    case 'send':
      return r.to;
    case 'attempt':
      return r.node;
    case 'reply':
    case 'redirect':
      return r.client;
  }
}

/** What a message carries, from its send record (and, for a client's attempt, its invoke). */
export function bodyOf(r: TraceRecord, requests: ReadonlyMap<string, unknown>): unknown {
  switch (r.k) {
    case 'send':
      return r.msg;
    case 'attempt':
      return requests.get(r.id);
    case 'reply':
      return { reply: r.id, result: r.result };
    case 'redirect':
      return { redirect: r.id, to: r.to };
    default:
      return undefined;
  }
}
