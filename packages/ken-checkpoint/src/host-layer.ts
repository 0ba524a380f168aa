import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayerFactory, LayerOutput, NodeLayer } from '@faultline/runtime/host';
import { KenUsageError } from './errors.ts';
import { FileStore } from './file-store.ts';
import type { KenFrame } from './frames.ts';
import { KenNode } from './ken-node.ts';
import type { KenOptions } from './options.ts';
import type { KenOutput } from './outputs.ts';

export interface KenHostLayerOptions {
  /** The node's own directory for its checkpoint files (created if missing). */
  readonly dataDir: string;
  readonly options?: Partial<KenOptions>;
}

/**
 * Ken for the real runtime: a `LayerFactory` for `startNode({ layer })`. Every turn is a
 * record in a `FileStore` in `dataDir`; at each flush (the host calls it once the inputs
 * that were ready have been handled, when some turn's outputs are held: a group commit)
 * the log is written and fdatasynced and only then are that turn's messages, replies and
 * redirects released. The host's
 * pipelined flush runs the fdatasync off the event loop, so the next turns run (and are
 * held) while the disk syncs the previous group. Between Ken
 * peers every message carries a sequence number and an ack and is retransmitted until
 * acknowledged (after a timeout that follows the ack round trip: `retransmitRtt` is on
 * unless `options` turn it off), so a message the transport lost on a broken connection
 * still arrives, once. On a restart over the same `dataDir` the node comes back in the state of its last
 * durable turn and resends what its peers had not acknowledged: to them, a crash and
 * restart look like a slow node.
 */
export function kenHostLayer(o: KenHostLayerOptions): LayerFactory {
  return (setup): NodeLayer => {
    const store = new FileStore(o.dataDir);
    const unlock = lockDataDir(o.dataDir);
    const ken = new KenNode(setup.service, setup.self, setup.cluster, setup.host, store, { ...o.options, retransmitRtt: o.options?.retransmitRtt ?? true });
    return {
      wire: 'ken',
      start: () => toLayer(ken.start()),
      message: (from, payload) => toLayer(ken.frame(from, payload as KenFrame)),
      timer: (tag) => toLayer(ken.timer(tag)),
      request: (requestId, client, req) => toLayer(ken.request(requestId, client, req)),
      flush: () => {
        store.sync();
        return toLayer(ken.durable(store.durableUpTo));
      },
      flushAsync: async () => toLayer(ken.durable(await store.syncAsync())),
      // Only outputs waiting for their record call for a sync. A record nothing waits on (an
      // ack-only turn's outbox prune, a timer turn without sends) goes to disk with the next
      // sync instead of starting one: a crash that loses it loses nothing anyone saw, and a
      // lost prune only resends messages the peer drops as duplicates.
      get flushPending() {
        return ken.heldTurns > 0;
      },
      get appState() {
        return ken.started ? ken.appState : undefined;
      },
      unackedTo: (peer) => (ken.started ? ken.unackedTo(peer) : 0),
      stats: () => ({
        ...ken.stats,
        syncs: store.counters.syncs,
        fdatasyncMs: Math.round(store.counters.fdatasyncMs),
        recordBytesWritten: store.counters.bytes,
        compactions: store.counters.compactions,
      }),
      close: () => {
        store.close();
        unlock();
      },
    };
  };
}

function toLayer(outputs: readonly KenOutput[]): LayerOutput[] {
  return outputs.map((o) => (o.kind === 'frame' ? { kind: 'send', to: o.to, payload: o.frame } : o));
}

const LOCK_FILE = 'LOCK';

/**
 * Claims `dir` for this process (a `LOCK` file holding its pid): two live processes over
 * one data directory would interleave their logs, and so would two nodes in one process.
 * A lock left by a process that is gone (killed with SIGKILL) is taken over by renaming a
 * fresh lock file over it and reading it back: of two processes taking over at once, the
 * one whose pid is not read back gives up. (A process that took the lock over and one that
 * created it anew between the other's read and rename can still both proceed: the window is
 * one rename wide, and only opens when a stale lock is left.) Returns the release function.
 */
function lockDataDir(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  const mine = `${process.pid}\n`;
  const release = () => fs.rmSync(file, { force: true });
  try {
    fs.writeFileSync(file, mine, { flag: 'wx' });
    return release;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const holder = Number(fs.readFileSync(file, 'utf8').trim());
  if (Number.isInteger(holder) && holder > 0 && (holder === process.pid || processAlive(holder)))
    throw inUse(dir, holder);
  const fresh = `${file}.${process.pid}`;
  fs.writeFileSync(fresh, mine);
  fs.renameSync(fresh, file);
  const now = fs.readFileSync(file, 'utf8');
  if (now !== mine) throw inUse(dir, Number(now.trim()));
  return release;
}

function inUse(dir: string, pid: number): KenUsageError {
  const who = pid === process.pid ? 'this process (another node)' : `process ${pid}`;
  return new KenUsageError(`ken: data directory ${dir} is in use by ${who} (its ${LOCK_FILE} file); one node per directory`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
