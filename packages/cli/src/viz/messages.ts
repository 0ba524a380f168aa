import type { TraceRecord } from '@faultline/simulator';

/**
 * Messages in a trace. Every message, between nodes or between a client and a node, has an
 * id `m` (one counter for both). It leaves with one send record and may arrive once, twice
 * (a duplicate) or never (dropped).
 */

/** A record that sends message `r.m`: a node's send, a client's attempt, a node's reply or redirect. */
export function isSend(r: TraceRecord): r is Extract<TraceRecord, { k: 'send' | 'attempt' | 'reply' | 'redirect' }> {
  return r.k === 'send' || r.k === 'attempt' || r.k === 'reply' || r.k === 'redirect';
}

/** A record where message `r.m` is taken in: a delivery, a request, a client's completion or stale reply. */
export function isReceive(r: TraceRecord): r is Extract<TraceRecord, { k: 'deliver' | 'request' | 'complete' | 'stale-reply' }> {
  return r.k === 'deliver' || r.k === 'request' || r.k === 'complete' || r.k === 'stale-reply';
}

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
