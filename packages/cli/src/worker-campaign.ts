import type { Worker } from 'node:worker_threads';
import { largerOutboxPeak, type CampaignFailure, type CampaignProgress, type CampaignResult, type OutboxPeak } from '@faultline/simulator';
import type { WorkerMessage, WorkerRunSpec } from './campaign-messages.ts';
import { startWorker } from './worker-start.ts';

export type { WorkerRunSpec } from './campaign-messages.ts';

const ENTRY = new URL('./campaign-worker.ts', import.meta.url);
/** Chunks per worker aimed for, so that workers finish close together. */
const CHUNKS_PER_WORKER = 8;
/** The largest chunk: small enough that fail-fast wastes little, large enough to keep messages rare. */
const CHUNK_SEEDS_MAX = 32;

export interface WorkerCampaignOptions {
  readonly run: WorkerRunSpec;
  readonly firstSeed: number;
  readonly seeds: number;
  /** Worker threads (at least 2; callers run one in-process). */
  readonly workers: number;
  /** Called after every seed, in the order workers report them. */
  readonly onProgress?: (progress: CampaignProgress) => void;
  /** Called with each failure as a worker reports it (in the order they arrive, not by seed). */
  readonly onFailure?: (failure: CampaignFailure) => void;
}

/** A worker that could not set the run up, or that failed or died while running seeds. */
export class WorkerFailure extends Error {
  constructor(message: string, readonly workerStack?: string) {
    super(message);
    this.name = 'WorkerFailure';
    if (workerStack !== undefined) this.stack = workerStack;
  }
}

/**
 * Runs the seeds [firstSeed, firstSeed + seeds) on worker threads and resolves to what
 * `campaign` would have returned on one thread: the same seedsRun and failures (sorted
 * by seed), and events and simulated time summed in seed order (so that floating point
 * sums agree to the bit). Seeds go out in ascending chunks, one chunk per worker at a
 * time. With fail-fast, the result is the lowest failing seed's: the workers are stopped
 * once every lower seed has been run. Rejects with `WorkerFailure` if a worker fails to
 * load the run, throws, or exits; every worker is stopped before it settles.
 */
export async function workerCampaign(options: WorkerCampaignOptions): Promise<CampaignResult> {
  const { run, firstSeed, seeds, onProgress } = options;
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`seeds must be a positive integer, not ${seeds}`);
  if (!Number.isSafeInteger(firstSeed)) throw new RangeError(`firstSeed must be an integer, not ${firstSeed}`);
  const workerCount = Math.min(options.workers, seeds);
  const chunkSeeds = Math.max(1, Math.min(CHUNK_SEEDS_MAX, Math.floor(seeds / (workerCount * CHUNKS_PER_WORKER))));

  const events: number[] = new Array<number>(seeds).fill(0);
  const simulatedMs: number[] = new Array<number>(seeds).fill(0);
  const outboxPeaks = new Map<number, OutboxPeak>();
  const done: boolean[] = new Array<boolean>(seeds).fill(false);
  const failures = new Map<number, CampaignFailure>();
  let doneCount = 0;
  let eventsSoFar = 0;
  /** Every seed index below this one is done. */
  let donePrefix = 0;
  /** The index of the lowest failing seed, with fail-fast. */
  let stopAt = Infinity;
  let nextIndex = 0;
  let protocol = '';

  const workers: Worker[] = [];
  let settled = false;
  let finish!: (error?: Error) => void;
  const finished = new Promise<Error | undefined>((resolve) => (finish = (error) => resolve(error)));
  const end = (error?: Error) => {
    if (settled) return;
    settled = true;
    finish(error);
  };

  const complete = () => (run.failFast && stopAt < Infinity ? donePrefix > stopAt : doneCount === seeds);

  const sendChunk = (w: Worker) => {
    if (nextIndex >= seeds || nextIndex > stopAt) return;
    const count = Math.min(chunkSeeds, seeds - nextIndex);
    w.postMessage({ type: 'chunk', first: firstSeed + nextIndex, count });
    nextIndex += count;
  };

  const onMessage = (w: Worker, m: WorkerMessage) => {
    if (settled) return;
    switch (m.type) {
      case 'ready':
        protocol = m.protocol;
        sendChunk(w);
        return;
      case 'seed': {
        const i = m.seed - firstSeed;
        events[i] = m.events;
        simulatedMs[i] = m.simulatedMs;
        if (m.kenOutboxPeak) outboxPeaks.set(i, m.kenOutboxPeak);
        done[i] = true;
        doneCount++;
        eventsSoFar += m.events;
        while (donePrefix < seeds && done[donePrefix]) donePrefix++;
        if (m.failure) {
          failures.set(i, m.failure);
          if (run.failFast) stopAt = Math.min(stopAt, i);
          // With fail-fast, a failure above the lowest one found is not part of the result.
          if (!run.failFast || i <= stopAt) options.onFailure?.(m.failure);
        }
        onProgress?.({ done: doneCount, total: seeds, failures: failures.size, events: eventsSoFar });
        if (complete()) end();
        return;
      }
      case 'chunk-done':
        sendChunk(w);
        return;
      case 'error': {
        const what = m.phase === 'setup' ? 'a campaign worker could not set the run up: ' : '';
        end(new WorkerFailure(`${what}${m.message}`, m.stack));
        return;
      }
    }
  };

  for (let k = 0; k < workerCount; k++) {
    const w = startWorker(ENTRY, run);
    workers.push(w);
    w.on('message', (m: WorkerMessage) => onMessage(w, m));
    w.on('error', (err) => end(new WorkerFailure(`a campaign worker crashed: ${err.message}`, err.stack)));
    w.on('messageerror', (err) => end(new WorkerFailure(`a campaign worker sent a message that cannot be read: ${err.message}`)));
    w.on('exit', (code) => end(new WorkerFailure(`a campaign worker exited unexpectedly (exit code ${code})`)));
  }
  const error = await finished;
  await Promise.all(workers.map((w) => w.terminate()));
  if (error) throw error;

  const last = run.failFast && stopAt < Infinity ? stopAt : seeds - 1;
  let eventsTotal = 0;
  let simulatedTotal = 0;
  const found: CampaignFailure[] = [];
  let kenOutboxPeak: OutboxPeak | undefined;
  for (let i = 0; i <= last; i++) {
    kenOutboxPeak = largerOutboxPeak(kenOutboxPeak, outboxPeaks.get(i)); // in seed order, as one thread takes them
    eventsTotal += events[i]!;
    simulatedTotal += simulatedMs[i]!;
    const f = failures.get(i);
    if (f) found.push(f);
  }
  const bug = run.flags.bug;
  return {
    ok: found.length === 0,
    protocol,
    bug,
    seedsRun: last + 1,
    failures: found,
    events: eventsTotal,
    simulatedMs: simulatedTotal,
    ...(kenOutboxPeak !== undefined ? { kenOutboxPeak } : {}),
  };
}
