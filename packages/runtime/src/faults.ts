/** The kinds of fault the simulator can inject; `--faults` takes a comma list of these. */
export const FAULT_KINDS = ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew', 'disk'] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(s: string): s is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(s);
}

/** One line per fault kind, for help texts and `faultline list`. */
export const FAULT_DESCRIPTIONS: Readonly<Record<FaultKind, string>> = {
  drop: 'messages are lost at random',
  duplicate: 'messages are delivered twice',
  reorder: 'messages on one link may overtake each other',
  delay: 'latency varies widely, with a long tail',
  partition: 'the network splits into groups (two-way or one-way) and later heals',
  crash: 'nodes crash (volatile state and timers lost) and later restart',
  pause: 'nodes stop handling events for a while (as in a GC pause), then resume',
  skew: 'node clocks are offset and drift, so timers run fast or slow',
  disk: 'power fails in the middle of a disk write: the node crashes, unsynced writes are lost and the last one may be torn (meaningful with --ken)',
};
