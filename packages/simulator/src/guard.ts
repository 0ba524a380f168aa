/**
 * The determinism guard. While a simulation runs, the ambient sources of
 * nondeterminism (the global random source, the wall and performance clocks, and the
 * timer functions) throw an error that names what was running: a protocol's handler on a node,
 * or a property check. Protocol code must use its context instead.
 */

export class DeterminismError extends Error {
  constructor(what: string, where: string, instead: string) {
    super(`determinism guard: ${what} called during ${where}; use ${instead} instead`);
    this.name = 'DeterminismError';
  }
}

type Where = () => string;

const g = globalThis as unknown as Record<string, unknown>;
const originals = {
  random: Math.random, // det-ok: the guard itself
  Date: globalThis.Date,
  performanceNow: globalThis.performance?.now,
  setTimeout: g.setTimeout,
  setInterval: g.setInterval,
  setImmediate: g.setImmediate,
};

let depth = 0;
let where: Where = () => 'a simulation';

function guarded(name: string, instead: string): () => never {
  return () => {
    throw new DeterminismError(name, where(), instead);
  };
}

function makeGuardedDate(): DateConstructor {
  const Original = originals.Date;
  const Guarded = function (this: unknown, ...args: unknown[]) {
    if (!new.target) throw new DeterminismError('Date()', where(), 'ctx.now()');
    if (args.length === 0) throw new DeterminismError('new Date()', where(), 'ctx.now()'); // det-ok: the guard itself
    return Reflect.construct(Original, args, new.target);
  } as unknown as DateConstructor;
  Object.setPrototypeOf(Guarded, Original);
  Object.defineProperty(Guarded, 'prototype', { value: Original.prototype });
  Guarded.now = guarded('Date.now()', 'ctx.now()'); // det-ok: the guard itself
  return Guarded;
}

/** The guarded replacements, built once: a search installs the guard around every step. */
let replacements: { random: () => never; Date: DateConstructor; performanceNow: () => never; setTimeout: () => never; setInterval: () => never; setImmediate: () => never } | undefined;

function install(): void {
  const r = (replacements ??= {
    random: guarded('Math.random()', 'ctx.random()'), // det-ok: the guard itself
    Date: makeGuardedDate(),
    performanceNow: guarded('performance.now()', 'ctx.now()'), // det-ok: the guard itself
    setTimeout: guarded('setTimeout()', 'ctx.setTimer()'),
    setInterval: guarded('setInterval()', 'ctx.setTimer()'),
    setImmediate: guarded('setImmediate()', 'ctx.setTimer()'),
  });
  Math.random = r.random; // det-ok: the guard itself
  g.Date = r.Date;
  if (globalThis.performance) globalThis.performance.now = r.performanceNow; // det-ok: the guard itself
  g.setTimeout = r.setTimeout;
  g.setInterval = r.setInterval;
  g.setImmediate = r.setImmediate;
}

function uninstall(): void {
  Math.random = originals.random; // det-ok: the guard itself
  g.Date = originals.Date;
  if (globalThis.performance && originals.performanceNow) globalThis.performance.now = originals.performanceNow; // det-ok: the guard itself
  g.setTimeout = originals.setTimeout;
  g.setInterval = originals.setInterval;
  g.setImmediate = originals.setImmediate;
}

/**
 * Runs `fn` (synchronous) with the guard on. `describe` tells, when the guard trips, what
 * was running. Nested calls share one installation.
 */
export function withDeterminismGuard<T>(describe: Where, fn: () => T): T {
  const previous = where;
  where = describe;
  if (depth++ === 0) install();
  try {
    return fn();
  } finally {
    if (--depth === 0) uninstall();
    where = previous;
  }
}
