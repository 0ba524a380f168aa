/** See `SnapshotSchedule.due`. */
const SNAPSHOT_BYTES_RATIO = 4;

/**
 * When a node's next record is a full snapshot, and which records compaction may drop:
 * the turns and bytes of turn records written since the last snapshot, that snapshot's
 * size, and the snapshot records not yet compacted behind. Volatile: recovery restores the
 * counts from the replayed records.
 */
export class SnapshotSchedule {
  private turnsSince = 0;
  private bytesSince = 0;
  private lastBytes = 0;
  /** Snapshot records not yet compacted behind, oldest first. */
  private pending: number[] = [];

  constructor(private readonly everyTurns: number) {}

  /** The counts as recovery found them in the replayed records. */
  restore(turnsSince: number, bytesSince: number, lastBytes: number): void {
    this.turnsSince = turnsSince;
    this.bytesSince = bytesSince;
    this.lastBytes = lastBytes;
  }

  /**
   * Whether the next record should be a snapshot: once `everyTurns` turns, and
   * `SNAPSHOT_BYTES_RATIO` times as many bytes of turn records as the last snapshot took,
   * have been written since it. The byte rule keeps a large state (a full request cache
   * is hundreds of kilobytes) from being rewritten every few turns: snapshots then cost at
   * most a quarter of the disk the turns between them do, and recovery replays at most
   * about four snapshots' worth of records.
   */
  due(): boolean {
    return this.turnsSince + 1 >= this.everyTurns && this.bytesSince >= SNAPSHOT_BYTES_RATIO * this.lastBytes;
  }

  /** Record `record` of `payloadBytes` was appended, a snapshot or a turn record. */
  recorded(record: number, payloadBytes: number, snapshot: boolean): void {
    if (snapshot) {
      this.turnsSince = 0;
      this.bytesSince = 0;
      this.lastBytes = payloadBytes;
      this.pending.push(record);
    } else {
      this.turnsSince++;
      this.bytesSince += payloadBytes;
    }
  }

  /**
   * Records up to `upTo` are durable: the latest snapshot among them, which the records
   * before may be compacted behind (0 when there is none past the first record).
   */
  compactableBehind(upTo: number): number {
    let latest = 0;
    while (this.pending.length > 0 && this.pending[0]! <= upTo) latest = this.pending.shift()!;
    return latest > 1 ? latest : 0;
  }
}
