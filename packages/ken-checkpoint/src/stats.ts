/** What a KenNode has done so far (this instance only: they restart at zero after a crash). */
export interface KenStats {
  /** Turns run (app turns and ack-only turns). */
  turns: number;
  /** Records appended: snapshots plus patch records. */
  records: number;
  snapshots: number;
  /** Bytes of record payload appended. */
  recordBytes: number;
  /** Messages handed to the app. */
  delivered: number;
  /** Frames whose message was already delivered: dropped and re-acked. */
  duplicates: number;
  /** Frames that arrived ahead of the next expected one and were buffered. */
  buffered: number;
  /** Frames too far ahead (or with the buffer full): dropped, the sender will resend. */
  outOfWindow: number;
  /** Acks that exceeded what this node ever sent (a peer remembers a lost past). */
  bogusAcks: number;
  /** Frames that were not Ken frames. */
  badFrames: number;
  /** Outbox entries freed by acks. */
  acked: number;
  dataFramesSent: number;
  ackFramesSent: number;
  /** Data frames resent on a retransmission timeout. */
  retransmissions: number;
  repliesReleased: number;
  redirectsReleased: number;
  /** Retried requests answered from the cache without running the app. */
  cachedReplies: number;
  /** Retried requests dropped because the first one is still pending or its answer not yet released. */
  retriesDropped: number;
  /** App timer firings for a tag that is not armed (ignored). */
  staleTimers: number;
  /** 1 if this instance recovered from a checkpoint. */
  recoveries: number;
  /** Records read back at recovery. */
  replayedRecords: number;
  compactions: number;
}

export function emptyKenStats(): KenStats {
  return {
    turns: 0,
    records: 0,
    snapshots: 0,
    recordBytes: 0,
    delivered: 0,
    duplicates: 0,
    buffered: 0,
    outOfWindow: 0,
    bogusAcks: 0,
    badFrames: 0,
    acked: 0,
    dataFramesSent: 0,
    ackFramesSent: 0,
    retransmissions: 0,
    repliesReleased: 0,
    redirectsReleased: 0,
    cachedReplies: 0,
    retriesDropped: 0,
    staleTimers: 0,
    recoveries: 0,
    replayedRecords: 0,
    compactions: 0,
  };
}
