import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import type { DiagramModel } from '../../src/viz/diagram-model.ts';
import { asset } from '../../src/viz/html-page.ts';
import type { PackedModel } from '../../src/viz/page-pack.ts';
import type { StateChange } from '../../src/viz/state-diff.ts';

/** The page's own decoder (page/unpack-data.js), run here as the page runs it. */
const expand = (() => {
  const window: { faultlineExpand?: (p: PackedModel) => DiagramModel; faultlineEvent?: (e: DiagramModel['events'][number]) => DiagramModel['events'][number] } = {};
  runInNewContext(asset('unpack-data.js'), { window });
  const event = window.faultlineEvent!;
  // Every event made whole, as the page would make it when it reads its record and text.
  return (p: PackedModel): DiagramModel => {
    const d = window.faultlineExpand!(p);
    return { ...d, events: d.events.map(event) };
  };
})();

/** The packed model a diagram page carries (base64 of gzipped JSON). */
export function packedData(html: string): PackedModel {
  const m = /<script type="application\/octet-stream" id="faultline-data" data-encoding="gzip\+base64">(.*?)<\/script>/s.exec(html);
  if (m === null) throw new Error('no data element in the page');
  return JSON.parse(gunzipSync(Buffer.from(m[1]!, 'base64')).toString('utf8')) as PackedModel;
}

/** The model a diagram page carries, read back out of the page and expanded by the page's decoder. */
export function pageData(html: string): DiagramModel {
  return expand(packedData(html));
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
