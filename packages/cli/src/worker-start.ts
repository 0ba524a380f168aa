import { Worker } from 'node:worker_threads';

/** The package condition that resolves faultline's packages to their TypeScript sources. */
const SOURCE_CONDITION = '@faultline/source';
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * Starts a worker thread on `entry`, a module of this package given by its source name
 * (`new URL('./x-worker.ts', import.meta.url)`). Installed, faultline is compiled and the
 * worker starts from `x-worker.js` with no transpiling. Run from its sources, the worker
 * registers tsx first and resolves faultline's packages to their sources too, as the
 * thread that started it does. A worker loads a user's TypeScript module through tsx
 * when it imports one (see importUserModule).
 */
export function startWorker(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) throw new Error(`startWorker: ${entry.href} is not a .ts source name`);
  if (!FROM_SOURCE) return new Worker(new URL(entry.href.replace(/\.ts$/, '.js')), { workerData });
  return new Worker(new URL('./source-worker.mjs', import.meta.url), {
    workerData,
    argv: [entry.href],
    execArgv: [...process.execArgv.filter((a) => !a.startsWith('--conditions')), `--conditions=${SOURCE_CONDITION}`],
  });
}
