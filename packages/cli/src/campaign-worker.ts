import { parentPort, workerData } from 'node:worker_threads';
import type { ProtocolDefinition } from '@faultline/runtime';
import { campaign } from '@faultline/simulator';
import type { ChunkMessage, WorkerMessage, WorkerRunSpec } from './campaign-messages.ts';
import { makeOutput } from './io.ts';
import { setUpRun, type RunSetup } from './run-setup.ts';

/**
 * A campaign worker thread: sets the run up from the command line's inputs, then runs
 * the chunks of seeds it is sent, reporting each seed as it finishes. Each seed runs as a
 * one-seed campaign, exactly as a single thread runs it, so its outcome is the same.
 */
const port = parentPort!;
const spec = workerData as WorkerRunSpec;
const post = (m: WorkerMessage) => port.postMessage(m);

function fail(phase: 'setup' | 'run', err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: 'error', phase, message: e.message, stack: e.stack });
}

async function setUp(): Promise<RunSetup> {
  const protocols =
    spec.protocolsModule !== undefined ? ((await import(spec.protocolsModule)) as { protocols: readonly ProtocolDefinition[] }).protocols : undefined;
  const silent = { write: () => true };
  const out = makeOutput({ stdout: silent, stderr: silent, isTTY: false, cwd: spec.cwd, env: {}, protocols });
  return await setUpRun(out, spec.protocolArg, spec.flags);
}

function runChunk(setup: RunSetup, chunk: ChunkMessage): void {
  for (let seed = chunk.first; seed < chunk.first + chunk.count; seed++) {
    const r = campaign({ ...setup.options, seeds: 1, firstSeed: seed, replayCommand: setup.replay });
    const failure = r.failures[0];
    post({
      type: 'seed',
      seed,
      events: r.events,
      simulatedMs: r.simulatedMs,
      ...(failure ? { failure } : {}),
      ...(r.kenOutboxPeak ? { kenOutboxPeak: r.kenOutboxPeak } : {}),
    });
    if (failure && spec.failFast) break;
  }
  post({ type: 'chunk-done' });
}

try {
  const setup = await setUp();
  post({ type: 'ready', protocol: setup.protocol.definition.name });
  port.on('message', (chunk: ChunkMessage) => {
    try {
      runChunk(setup, chunk);
    } catch (err) {
      fail('run', err);
    }
  });
} catch (err) {
  fail('setup', err);
}
