/**
 * A checkpoint record that is not the last one failed its check, or a record decoded to
 * something Ken did not write. Ken never resets a node's state to hide this: a crash can
 * tear only the last write, so damage anywhere else means the disk (or someone) changed
 * durable data, and recovering past it could break what the node already promised.
 */
export class CheckpointCorruptError extends Error {
  constructor(
    /** The record's number (1, 2, 3, ...), or 0 when the damage is in a file header. */
    readonly record: number,
    readonly detail: string,
    /** Where the record lives: a file and byte offset, or a simulated disk's name. */
    readonly where?: string,
  ) {
    super(`checkpoint record ${record}${where === undefined ? '' : ` (${where})`} is corrupt: ${detail}`);
    this.name = 'CheckpointCorruptError';
  }
}

/**
 * A service kept sending to a peer that does not acknowledge: its outbox reached
 * `outboxMaxPerPeer`. The turn that overflowed is void. Services that may outrun a peer
 * should check `ctx.unackedTo(peer)` and hold back.
 */
export class KenOutboxFullError extends Error {
  constructor(
    readonly node: string,
    readonly peer: string,
    readonly limit: number,
  ) {
    super(
      `${node} has ${limit} unacknowledged messages to ${peer} (outboxMaxPerPeer); ` +
        `the peer is not acknowledging: use ctx.unackedTo(peer) to hold back, or raise the limit`,
    );
    this.name = 'KenOutboxFullError';
  }
}

/** A KenNode or store was used against its contract (bad option, call order, name). */
export class KenUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KenUsageError';
  }
}
