import { importUserModule, type Model } from '@faultline/simulator';
import { UsageError } from '../errors.ts';
import type { HistoryOp } from './history-events.ts';
import { plainTranslation, type HistoryModel, type Translated } from './history-models.ts';

/**
 * A user's model from a module (`--model ./my-model.ts`): its `model` (or default)
 * export is a `Model` (init, step, and optionally equalResults, equalStates, key,
 * describe); an optional `translate(op, failIsResult)` export reads Jepsen operations as
 * its requests (default: `{ f, value, key? }` and the completion's value).
 */
export async function loadUserModel(path: string, cwd: string): Promise<HistoryModel> {
  const mod = await importUserModule(path, cwd, 'model');
  const model = (mod.model ?? mod.default) as Partial<Model<unknown, unknown, unknown>> | undefined;
  if (model === undefined || model === null || typeof model !== 'object')
    throw new UsageError(`model ${path} exports no model: export const model = { init() {...}, step(state, req) {...} }`);
  for (const fn of ['init', 'step'] as const)
    if (typeof model[fn] !== 'function') throw new UsageError(`model ${path}: the model has no ${fn}() function (a model needs init and step)`);
  for (const fn of ['equalResults', 'equalStates', 'key', 'describe'] as const)
    if (model[fn] !== undefined && typeof model[fn] !== 'function') throw new UsageError(`model ${path}: ${fn} must be a function`);
  const translate = mod.translate;
  if (translate !== undefined && typeof translate !== 'function') throw new UsageError(`model ${path}: translate must be a function (op, failIsResult) => { req, result? } | 'skip'`);
  return {
    name: path,
    summary: 'your model',
    model: model as Model<unknown, unknown, unknown>,
    translate: (translate as ((op: HistoryOp, failIsResult: boolean) => Translated | 'skip') | undefined) ?? plainTranslation,
    causal: false,
  };
}
