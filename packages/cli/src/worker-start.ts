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
  if (!FROM_SOURCE) return new Worker(new URL(entry.href.replace(/\.ts$/, '.js')), { workerData, execArgv: compiledExecArgv(process.execArgv) });
  return new Worker(new URL('./source-worker.mjs', import.meta.url), {
    workerData,
    argv: [entry.href],
    execArgv: [...process.execArgv.filter((a) => !a.startsWith('--conditions')), `--conditions=${SOURCE_CONDITION}`],
  });
}

/**
 * The node flags a compiled worker starts with: the parent's, less the source condition
 * and tsx's loader (a parent run through tsx, e.g. the bench, would otherwise make the
 * compiled worker load faultline's sources and transpile them: about 1 s of CPU per worker
 * against 0.25 s). A user's .ts module still loads, through tsx registered on demand.
 */
export function compiledExecArgv(parent: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const a = parent[i]!;
    if (a === `--conditions=${SOURCE_CONDITION}`) continue;
    if ((a === '--conditions' || a === '-C') && parent[i + 1] === SOURCE_CONDITION) {
      i++;
      continue;
    }
    if ((a === '--require' || a === '--import' || a === '-r') && /[\\/]tsx[\\/]/.test(parent[i + 1] ?? '')) {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}
