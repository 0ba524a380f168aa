import { parentPort, workerData } from 'node:worker_threads';
import type { ProtocolDefinition } from '@faultline/runtime';
import { CheckModel, searchHash, searchRoots, searchShard, serveShard, sharedFlow, type ToShard } from '@faultline/simulator';
import { loadProtocol } from '../protocol-loader.ts';
import type { CheckWorkerData } from './check-workers.ts';

/**
 * A `check --workers` thread: loads the protocol from the command line's argument, builds
 * the same model and roots (after the same warm-up) as the main thread, and serves one
 * shard of the search from each root it is sent to.
 */
const port = parentPort!;
const spec = workerData as CheckWorkerData;

try {
  const builtins = spec.protocolsModule !== undefined ? ((await import(spec.protocolsModule)) as { protocols: readonly ProtocolDefinition[] }).protocols : undefined;
  const protocol = await loadProtocol(spec.protocolArg, spec.cwd, builtins);
  const options = { ...spec.options, protocol: protocol.definition };
  const model = new CheckModel(options);
  const hash = searchHash(model, options.symmetric);
  const { roots } = searchRoots(model, options.warmup, options.seed);
  const serve = serveShard(
    (k) => searchShard(model, options, roots[k]!, hash),
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
