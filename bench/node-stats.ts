import fs from 'node:fs';

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
   * mean over the others, in ms: mean sync, mean wait of an input for its sync, turns per
   * sync, and the mean time a request spent on the primary.
   */
  breakdown(prefix: string): Record<string, number> {
    const all = [...this.stopped.values()];
    if (all.length === 0) return {};
    const primary = all.reduce((a, b) => ((b['repliesTimed'] ?? 0) > (a['repliesTimed'] ?? 0) ? b : a));
    const others = all.filter((s) => s !== primary);
    const ratio = (s: Record<string, number>, a: string, b: string) => (s[a] ?? 0) / (s[b] ?? Number.NaN);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      [`${prefix}.primarySyncMs`]: ratio(primary, 'flushMs', 'flushes'),
      [`${prefix}.primaryCommitWaitMs`]: ratio(primary, 'commitWaitMs', 'inputsCommitted'),
      [`${prefix}.primaryTurnsPerSync`]: ratio(primary, 'records', 'syncs'),
      [`${prefix}.primaryRequestMs`]: ratio(primary, 'replyMs', 'repliesTimed'),
      [`${prefix}.backupCommitWaitMs`]: mean(others.map((s) => ratio(s, 'commitWaitMs', 'inputsCommitted'))),
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
