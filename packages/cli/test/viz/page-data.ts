import type { DiagramModel } from '../../src/viz/diagram-model.ts';
import type { StateChange } from '../../src/viz/state-diff.ts';

/** The model a diagram page carries, read back out of the page. */
export function pageData(html: string): DiagramModel {
  const m = /<script type="application\/json" id="faultline-data">(.*?)<\/script>/s.exec(html);
  if (m === null) throw new Error('no data element in the page');
  return JSON.parse(m[1]!) as DiagramModel;
}

/** State number `id` of a page's model, rebuilt from its stored changes (as the page does). */
export function stateOf(data: DiagramModel, id: number): unknown {
  const s = data.states[id]!;
  return 'f' in s ? s.f : applied(stateOf(data, s.p), s.d);
}

function applied(a: unknown, c: StateChange): unknown {
  if ('v' in c) return c.v;
  if ('n' in c) {
    const out = (a as unknown[]).slice(0, c.n);
    for (const [k, sub] of Object.entries(c.s)) out[Number(k)] = applied(out[Number(k)], sub);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a as Record<string, unknown>)) if (!c.x?.includes(k)) out[k] = v;
  for (const [k, sub] of Object.entries(c.o)) out[k] = applied((a as Record<string, unknown>)[k], sub);
  return out;
}
