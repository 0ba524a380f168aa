import { parentPort, workerData } from 'node:worker_threads';
import type { ProtocolDefinition } from '@faultline/runtime';
import { CheckModel, searchShard, searchStart, serveShard, sharedFlow, type ToShard } from '@faultline/simulator';
import { loadProtocol } from '../protocol-loader.ts';
import type { CheckWorkerData } from './check-workers.ts';

/**
 * A `check --workers` thread: loads the protocol from the command line's argument, builds
 * the same model and first state as the main thread, and serves one shard of the search.
 */
const port = parentPort!;
const spec = workerData as CheckWorkerData;

try {
  const builtins = spec.protocolsModule !== undefined ? ((await import(spec.protocolsModule)) as { protocols: readonly ProtocolDefinition[] }).protocols : undefined;
  const protocol = await loadProtocol(spec.protocolArg, spec.cwd, builtins);
  const options = { ...spec.options, protocol: protocol.definition };
  const model = new CheckModel(options);
  const start = searchStart(model, options);
  const serve = serveShard(
    searchShard(model, options, start),
    (m, transfer) => port.postMessage(m, transfer ?? []),
    sharedFlow(spec.flow),
  );
  port.on('message', (m: ToShard) => {
    try {
      serve(m);
    } catch (err) {
      port.postMessage({ t: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
  port.postMessage({ t: 'ready' });
} catch (err) {
  port.postMessage({ t: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
