import type { Worker } from 'node:worker_threads';
import { checkWithShards, sharedFlow, type CheckOptions, type CheckResult, type FromShard, type ShardLink } from '@faultline/simulator';
import { startWorker } from '../worker-start.ts';

const ENTRY = new URL('./check-worker.ts', import.meta.url);

/** What a check worker needs to rebuild the search by itself (protocols hold functions, which cannot cross threads). */
export interface CheckWorkerSpec {
  /** The `<protocol>` argument as given: a built-in name or a path, resolved against `cwd`. */
  readonly protocolArg: string;
  readonly cwd: string;
  /** A module whose `protocols` export is the built-ins, when they are not the registry's (`Io.protocolsModule`). */
  readonly protocolsModule?: string;
  /** The check's options but the protocol and progress callback. */
  readonly options: Omit<CheckOptions, 'protocol' | 'onProgress'>;
}

/** A worker's data: the spec, and the two shared words of its flow control. */
export interface CheckWorkerData extends CheckWorkerSpec {
  readonly flow: SharedArrayBuffer;
}

/**
 * `check` on `workers` worker threads, each holding a shard of the search (see
 * checkWithShards): the same result as one thread. Every worker is stopped before it
 * settles; a worker that fails or exits rejects it.
 */
export async function checkOnWorkers(spec: CheckWorkerSpec, options: CheckOptions, workers: number): Promise<CheckResult> {
  const threads: Worker[] = [];
  try {
    return await checkWithShards(options, () => Promise.all(Array.from({ length: workers }, () => startShard(spec, threads))));
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
}

type Received = FromShard | { t: 'ready' } | { t: 'error'; message: string };

async function startShard(spec: CheckWorkerSpec, threads: Worker[]): Promise<ShardLink> {
  const buffer = new SharedArrayBuffer(8);
  const flow = sharedFlow(buffer);
  const w = startWorker(ENTRY, { ...spec, flow: buffer } satisfies CheckWorkerData);
  threads.push(w);
  const queue: Received[] = [];
  const waiting: { resolve: (m: Received) => void; reject: (e: Error) => void }[] = [];
  let failed: Error | undefined;
  const fail = (e: Error) => {
    failed ??= e;
    for (const x of waiting.splice(0)) x.reject(failed);
  };
  w.on('message', (m: Received) => (m.t === 'error' ? fail(new Error(`check worker: ${m.message}`)) : waiting.length > 0 ? waiting.shift()!.resolve(m) : queue.push(m)));
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`check worker exited (code ${code})`)));
  const next = (): Promise<Received> => {
    const m = queue.shift();
    if (m !== undefined) return Promise.resolve(m);
    if (failed !== undefined) return Promise.reject(failed);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
  const ready = await next();
  if (ready.t !== 'ready') throw new Error(`check worker sent '${ready.t}' before it was ready`);
  return {
    post: (m) => w.postMessage(m),
    merged: flow.merged,
    halt: flow.halt,
    next: async () => {
      const m = await next();
      if (m.t === 'ready') throw new Error('check worker was ready twice');
      return m as FromShard;
    },
  };
}
