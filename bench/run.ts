/**
 * `npm run bench`: every figure, measured in this run on this machine. Prints a table, or
 * with `--json` one flat JSON object of figure name -> number. `--only a,b` measures only
 * the sections with those keys (see `sections`).
 */
import { campaignFigures } from './campaign.ts';
import { checkFigures } from './check.ts';
import { checkDepthFigures } from './check-depth.ts';
import { clusterFigures } from './cluster.ts';
import { clusterGroupFigures } from './cluster-group.ts';
import { consistencyFigures } from './consistency.ts';
import { kenFigures } from './ken.ts';
import { linFigures } from './lin.ts';
import { netFigures } from './net.ts';
import { shrinkFigures } from './shrink.ts';
import { simFigures } from './sim.ts';
import { sliceFigures } from './slice.ts';
import { startupFigures } from './startup.ts';
import { strategyFigures } from './strategies.ts';
import { vizFigures } from './viz.ts';

type Figures = Record<string, number>;
const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyAt = args.indexOf('--only');
const only = onlyAt === -1 ? undefined : (args[onlyAt + 1] ?? '').split(',').filter((s) => s !== '');

/** [key for --only, what the progress line says, how to measure it]. */
const sections: [string, string, () => Figures | Promise<Figures>][] = [
  ['sim', 'simulator', simFigures],
  ['ken', 'ken', kenFigures],
  ['lin', 'linearizability', linFigures],
  ['consistency', 'consistency', consistencyFigures],
  ['campaign', 'campaign', campaignFigures],
  ['strategies', 'exploration strategies', strategyFigures],
  ['check', 'exhaustive check', checkFigures],
  ['checkDepth', 'exhaustive check, going deep', checkDepthFigures],
  ['net', 'network', netFigures],
  ['cluster', 'cluster', clusterFigures],
  ['clusterGroup', 'cluster (group-communication)', clusterGroupFigures],
  ['startup', 'start-up', startupFigures],
  ['viz', 'viewer pages', vizFigures],
  ['shrink', 'shrinking', shrinkFigures],
  ['slice', 'causal slice', sliceFigures],
];
if (only !== undefined) {
  const unknown = only.filter((k) => !sections.some(([key]) => key === k));
  if (only.length === 0 || unknown.length > 0) {
    process.stderr.write(`bench: --only takes a comma list of ${sections.map(([k]) => k).join(', ')}${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}\n`);
    process.exit(2);
  }
}

const figures: Figures = {};
for (const [key, name, measure] of sections) {
  if (only !== undefined && !only.includes(key)) continue;
  if (!json) process.stderr.write(`measuring ${name}...\n`);
  Object.assign(figures, await measure());
}
/** A figure derived from two others measured in this run (skipped when a section was left out). */
const ratio = (name: string, a: string, b: string) => {
  if (figures[a] !== undefined && figures[b] !== undefined) figures[name] = figures[a] / figures[b];
};
ratio('sim.pingpong.overheadVsRaw', 'sim.rawLoop.eventsPerSec', 'sim.pingpong.eventsPerSec');
ratio('ken.sim.vsOff', 'ken.sim.turnsPerSec', 'ken.off.turnsPerSec');
ratio('ken.fileGroup.vsOff', 'ken.fileGroup.turnsPerSec', 'ken.off.turnsPerSec');

if (json) {
  console.log(JSON.stringify(figures));
} else {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [k, v] of Object.entries(figures)) {
    const shown = v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
    console.log(`${k.padEnd(width)}  ${shown.padStart(14)}`);
  }
}
