import fs from 'node:fs';
import path from 'node:path';

/**
 * What the node processes of a benchmark cluster report: the `stats()` each prints when it
 * stops (`<id>: stopped {...}`), and their CPU time, read from /proc (Linux; undefined elsewhere).
 */
export class NodeStats {
  readonly stopped = new Map<string, Record<string, number>>();

  /** A `LocalCluster` `onLine` callback that keeps each node's last stop line. */
  readonly onLine = (id: string, line: string): void => {
    const prefix = `${id}: stopped `;
    if (line.startsWith(prefix)) this.stopped.set(id, JSON.parse(line.slice(prefix.length)) as Record<string, number>);
  };

  /**
   * The output-commit figures of the node that answered the clients (the primary) and the
   * mean over the others, in ms: mean sync (begin to release) and the part of it from issuing
   * the fdatasync to its callback, mean wait of an input for its sync and the part of it
   * before that sync began (`QueueMs`), turns per sync, the mean time a request spent on the
   * primary, and how late the event loop ran its 10 ms sampling timer (µs, mean); over every node, the share of
   * Ken data frames that were retransmissions (a timer below the ack round trip resends
   * frames that were not lost) and the fdatasyncs per reply to a client (the disk is shared).
   */
  breakdown(prefix: string): Record<string, number> {
    const all = [...this.stopped.values()];
    if (all.length === 0) return {};
    const primary = all.reduce((a, b) => ((b['repliesTimed'] ?? 0) > (a['repliesTimed'] ?? 0) ? b : a));
    const others = all.filter((s) => s !== primary);
    const ratio = (s: Record<string, number>, a: string, b: string) => (s[a] ?? 0) / (s[b] ?? Number.NaN);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sum = (k: string) => all.reduce((a, s) => a + (s[k] ?? 0), 0);
    return {
      [`${prefix}.primarySyncMs`]: ratio(primary, 'flushMs', 'flushes'),
      [`${prefix}.primaryFdatasyncMs`]: ratio(primary, 'fdatasyncMs', 'syncs'),
      [`${prefix}.primaryCommitWaitMs`]: ratio(primary, 'commitWaitMs', 'inputsCommitted'),
      [`${prefix}.primaryQueueMs`]: ratio(primary, 'queueMs', 'inputsCommitted'),
      [`${prefix}.primaryLoopDelayUs`]: primary['loopDelayMeanUs'] ?? Number.NaN,
      [`${prefix}.primaryTurnsPerSync`]: ratio(primary, 'records', 'syncs'),
      [`${prefix}.primaryRequestMs`]: ratio(primary, 'replyMs', 'repliesTimed'),
      [`${prefix}.backupSyncMs`]: mean(others.map((s) => ratio(s, 'flushMs', 'flushes'))),
      [`${prefix}.backupCommitWaitMs`]: mean(others.map((s) => ratio(s, 'commitWaitMs', 'inputsCommitted'))),
      [`${prefix}.backupQueueMs`]: mean(others.map((s) => ratio(s, 'queueMs', 'inputsCommitted'))),
      [`${prefix}.backupLoopDelayUs`]: mean(others.map((s) => s['loopDelayMeanUs'] ?? Number.NaN)),
      [`${prefix}.retransmitShare`]: sum('retransmissions') / sum('dataFramesSent'),
      [`${prefix}.syncsPerReply`]: sum('syncs') / sum('replies'),
    };
  }
}

/** CPU time (user + system) of process `pid` so far, in ms; undefined where /proc is missing. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 1/100 s (USER_HZ)
  } catch {
    return undefined;
  }
}

/**
 * A cluster bench run alone: prints `figures(...)` as JSON. With `--cpu-prof DIR` in
 * `process.argv`, every node process writes a CPU profile (`node --cpu-prof`) into DIR.
 */
export async function benchMain(figures: (o: { nodeArgs?: readonly string[] }) => Promise<Record<string, number>>): Promise<void> {
  const at = process.argv.indexOf('--cpu-prof');
  const dir = at < 0 ? undefined : process.argv[at + 1];
  if (at >= 0 && dir === undefined) throw new Error('--cpu-prof needs a directory');
  console.log(JSON.stringify(await figures(dir === undefined ? {} : { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', path.resolve(dir)] })));
}
