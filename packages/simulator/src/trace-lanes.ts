import type { TraceRecord } from './trace.ts';

/**
 * Which lane of a space-time diagram a trace record belongs to: a node's id, a client's id
 * (each client has its own lane), or undefined for what belongs to the whole run
 * (configuration, partitions and heals, quiescence, the violation).
 *
 * A message lost on the way is drawn where it was lost: at the sender when the network
 * dropped it (loss, partition), at the receiver when it arrived at a node that was down.
 * A duplicate is marked at its sender, where the network decided it.
 */
export function laneOf(r: TraceRecord): string | undefined {
  switch (r.k) {
    case 'config':
    case 'quiesce':
    case 'violation':
      return undefined;
    case 'start':
    case 'send':
    case 'timer':
    case 'state':
    case 'log':
    case 'durable':
    case 'request':
    case 'reply':
    case 'redirect':
      return r.node;
    case 'deliver':
      return r.to;
    case 'drop':
      return r.reason === 'down' ? r.to : r.from;
    case 'dup':
      return r.from;
    case 'invoke':
    case 'attempt':
    case 'complete':
    case 'stale-reply':
    case 'timeout':
    case 'give-up':
      return r.client;
    case 'fault': {
      const f = r.fault;
      return f.kind === 'partition' || f.kind === 'oneway' || f.kind === 'heal' ? undefined : f.node;
    }
    default: {
      // A record kind newer than this function: its node, if it names one.
      const node = (r as { node?: unknown }).node;
      return typeof node === 'string' ? node : undefined;
    }
  }
}

/** A record that sends message `r.m`: a node's send, a client's attempt, a node's reply or redirect. */
export function isSend(r: TraceRecord): r is Extract<TraceRecord, { k: 'send' | 'attempt' | 'reply' | 'redirect' }> {
  return r.k === 'send' || r.k === 'attempt' || r.k === 'reply' || r.k === 'redirect';
}

/** A record where message `r.m` is taken in: a delivery, a request, a client's completion or stale reply. */
export function isReceive(r: TraceRecord): r is Extract<TraceRecord, { k: 'deliver' | 'request' | 'complete' | 'stale-reply' }> {
  return r.k === 'deliver' || r.k === 'request' || r.k === 'complete' || r.k === 'stale-reply';
}
