import type { Operation } from '@faultline/runtime';
import { describeJson, type Model } from '@faultline/simulator';
import type { LoadedHistory } from './load-history.ts';

export interface TimelineInput {
  readonly title: string;
  readonly summary: string;
  readonly history: LoadedHistory;
  readonly model: Model<unknown, unknown, unknown>;
  readonly verdict: { readonly outcome: string; readonly explanation: string; readonly core: readonly Operation[]; readonly context: readonly Operation[] };
}

const LANE_PX = 28;
const LEFT_PX = 90;
const TOP_PX = 30;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A self-contained page (no scripts or styles from elsewhere) drawing each operation as
 * a bar on its client's lane, from invocation to completion (an open one runs dashed to
 * the end), with the violation's core operations in red and their context in orange,
 * and the explanation above. The page scrolls to the first core operation.
 */
export function timelinePage(input: TimelineInput): string {
  const ops = input.history.ops.map((s) => s.op);
  const lines = new Map(input.history.ops.map((s) => [s.op, s.lines] as const));
  const clients = [...new Set(ops.map((op) => op.client))];
  const lane = new Map(clients.map((c, i) => [c, i] as const));
  const t0 = Math.min(...ops.map((op) => op.invokeMs), 0);
  const end = Math.max(...ops.map((op) => op.completeMs ?? op.invokeMs), t0 + 1);
  const span = end - t0;
  const width = Math.min(60_000, Math.max(900, ops.length * 14));
  const x = (t: number) => LEFT_PX + ((t - t0) / span) * (width - LEFT_PX - 20);
  const height = TOP_PX + clients.length * LANE_PX + 20;
  const core = new Set(input.verdict.core);
  const context = new Set(input.verdict.context);
  const describe = input.model.describe ?? describeJson;
  const unit = input.history.timeUnit === 'ms' ? 'ms' : 'event';

  const parts: string[] = [];
  for (const [c, i] of lane) parts.push(`<text class="lane" x="4" y="${TOP_PX + i * LANE_PX + 17}">${esc(c)}</text>`, `<line class="grid" x1="${LEFT_PX}" x2="${width - 10}" y1="${TOP_PX + (i + 1) * LANE_PX}" y2="${TOP_PX + (i + 1) * LANE_PX}"/>`);
  const ticks = 10;
  for (let k = 0; k <= ticks; k++) {
    const t = t0 + (span * k) / ticks;
    parts.push(`<line class="tick" x1="${x(t)}" x2="${x(t)}" y1="${TOP_PX - 6}" y2="${height - 16}"/><text class="axis" x="${x(t) + 2}" y="${TOP_PX - 10}">${unit === 'ms' ? `${t.toFixed(1)} ms` : `event ${Math.round(t)}`}</text>`);
  }
  for (const op of ops) {
    const done = op.status === 'ok' && op.completeMs !== undefined;
    const x1 = x(op.invokeMs);
    const x2 = Math.max(x1 + 3, x(done ? op.completeMs! : end));
    const y = TOP_PX + lane.get(op.client)! * LANE_PX + 4;
    const role = core.has(op) ? 'core' : context.has(op) ? 'context' : 'op';
    const label = describe(op.req, done ? op.result : undefined);
    const [a, b] = lines.get(op)!;
    const where = unit === 'ms' ? `${op.invokeMs.toFixed(3)} .. ${done ? `${op.completeMs!.toFixed(3)} ms` : 'no reply'}` : `line ${a}${b === undefined ? '' : ` .. line ${b}`}`;
    const tip = `${op.client} ${op.id}: ${label}${done ? '' : ` (${op.status})`}, ${where}`;
    parts.push(
      `<g class="${role}${done ? '' : ' open'}" data-id="${esc(op.id)}"><title>${esc(tip)}</title><rect x="${x1.toFixed(1)}" y="${y}" width="${(x2 - x1).toFixed(1)}" height="${LANE_PX - 8}" rx="3"/>` +
        (x2 - x1 > label.length * 6 ? `<text x="${(x1 + 3).toFixed(1)}" y="${y + 14}">${esc(label)}</text>` : '') +
        '</g>',
    );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="operations per client">${parts.join('')}</svg>`;
  const explanation = input.verdict.explanation === '' ? '' : `<pre class="explanation">${esc(input.verdict.explanation)}</pre>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>
body{font:13px system-ui,sans-serif;margin:16px;color:#222}
h1{font-size:16px;margin:0 0 4px}.summary{color:#555;margin:0 0 8px}
pre.explanation{background:#fff4f4;border:1px solid #e5b4b4;padding:8px;white-space:pre-wrap}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:14px;height:10px;margin-right:4px;border-radius:2px}
.scroll{overflow-x:auto;border:1px solid #ddd}
svg text{font:11px ui-monospace,monospace}.lane{font-weight:bold}.axis{fill:#777}
.grid{stroke:#eee}.tick{stroke:#f3f3f3}
.op rect{fill:#cfe0f5;stroke:#6d93c4}.core rect{fill:#f4a5a5;stroke:#c0392b;stroke-width:2}.context rect{fill:#fcd9a8;stroke:#d68910}
.open rect{stroke-dasharray:4 3;fill-opacity:.45}
</style></head><body>
<h1>${esc(input.title)}</h1><p class="summary">${esc(input.summary)}</p>
<p class="legend"><span><i style="background:#f4a5a5"></i>cannot be ordered (core)</span><span><i style="background:#fcd9a8"></i>context</span><span><i style="background:#cfe0f5"></i>other operations</span><span>dashed: no reply (may take effect later, or never)</span></p>
${explanation}
<div class="scroll">${svg}</div>
<script>const first=document.querySelector('.core');if(first)first.scrollIntoView({inline:'center',block:'nearest'});</script>
</body></html>
`;
}
