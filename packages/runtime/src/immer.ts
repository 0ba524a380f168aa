import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The immer build faultline's turns run on: immer's production build, loaded by file.
 *
 * How immer picks its build: an ESM `import 'immer'` resolves through the package's
 * `exports` to `dist/immer.mjs`, the development build, which tests
 * `process.env.NODE_ENV !== "production"` at run time, inside hot paths (an array
 * draft's `set` and `deleteProperty` traps read `process.env` on every write, and
 * reading `process.env` is a call into the C++ environment). A CommonJS `require('immer')`
 * goes to `dist/cjs/index.js`, which picks the production or development file once, by
 * `NODE_ENV` at load. Neither lets a library choose, and `exports` hides the production
 * files from `import`. So the production CommonJS file is required by its path, found
 * next to immer's `package.json` (which `exports` does list): the same file whether
 * faultline runs from `dist/` or from its TypeScript sources, and whatever NODE_ENV says.
 *
 * The two builds are the same code but for what the development build checks and says
 * (docs/ken.md, "Immer's production build"): its errors carry messages, which
 * `readableImmerError` puts back; and it refuses a non-index key written to or deleted
 * from an array draft, which the production build lets through. faultline's states are
 * typed, and TypeScript already refuses `array.someKey = x` on a `T[]`.
 *
 * Drafts of the two builds are told apart by the same global symbols, so `isDraft` from
 * a user's own `import 'immer'` still recognises a turn's draft.
 */
type ImmerModule = typeof import('immer');

const require = createRequire(import.meta.url);
const immerDir = path.dirname(require.resolve('immer/package.json'));

export const immerProduction: ImmerModule = require(path.join(immerDir, 'dist', 'cjs', 'immer.cjs.production.js')) as ImmerModule;

immerProduction.enablePatches();

/** What each of the production build's error numbers means, in our words. */
const IMMER_ERRORS: Readonly<Record<number, string>> = {
  0: 'a Map or Set in the state needs immer plugin MapSet, which faultline does not load; use plain objects and arrays',
  1: 'produce was called on a value that is not draftable (a plain object, an array, or a class marked immerable)',
  2: 'a frozen object was changed',
  3: 'a draft was used after its turn ended (a piece of ctx.state kept in a variable, a closure or an outside object)',
  4: 'a producer both returned a new value and changed its draft',
  6: 'the first or second argument to produce must be a function',
  7: 'the third argument to produce must be a function or undefined',
  8: 'the state is not draftable: it must be a plain object or array (or a class marked immerable)',
  9: 'finishDraft was given something that is not a draft from createDraft',
  10: "current() expects a draft",
  11: 'Object.defineProperty() cannot be used on a draft',
  12: 'Object.setPrototypeOf() cannot be used on a draft',
  15: "original() expects a draft",
  16: 'a Set cannot take a "replace" patch',
  17: 'a patch has an unsupported operation',
  18: "a patch's path does not resolve in the state",
  19: 'a patch writes a reserved key (__proto__, constructor or prototype)',
};

const MINIFIED = /^\[Immer\] minified error nr: (\d+)\b/;

/**
 * `err` with the production build's numbered message replaced by a readable one (the
 * number kept); anything else is returned as it is.
 */
export function readableImmerError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const m = MINIFIED.exec(err.message);
  if (m === null) return err;
  const code = Number(m[1]);
  const readable = new Error(`[Immer ${code}] ${IMMER_ERRORS[code] ?? 'unknown immer error'}`);
  readable.stack = err.stack?.replace(err.message, readable.message);
  return readable;
}
