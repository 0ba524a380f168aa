import type { LayerFactory, LayerOutput, NodeLayer } from '@faultline/runtime/host';
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
 * that were ready have been handled: a group commit) the log is written and fdatasynced
 * and only then are that turn's messages, replies and redirects released. Between Ken
 * peers every message carries a sequence number and an ack and is retransmitted until
 * acknowledged, so a message the transport lost on a broken connection still arrives,
 * once. On a restart over the same `dataDir` the node comes back in the state of its last
 * durable turn and resends what its peers had not acknowledged: to them, a crash and
 * restart look like a slow node.
 */
export function kenHostLayer(o: KenHostLayerOptions): LayerFactory {
  return (setup): NodeLayer => {
    const store = new FileStore(o.dataDir);
    const ken = new KenNode(setup.service, setup.self, setup.cluster, setup.host, store, o.options);
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
      get flushPending() {
        return store.appendedUpTo > store.durableUpTo;
      },
      get appState() {
        return ken.started ? ken.appState : undefined;
      },
      unackedTo: (peer) => (ken.started ? ken.unackedTo(peer) : 0),
      stats: () => ({ ...ken.stats, syncs: store.counters.syncs, recordBytesWritten: store.counters.bytes, compactions: store.counters.compactions }),
      close: () => store.close(),
    };
  };
}

function toLayer(outputs: readonly KenOutput[]): LayerOutput[] {
  return outputs.map((o) => (o.kind === 'frame' ? { kind: 'send', to: o.to, payload: o.frame } : o));
}
