/**
 * `npm run bench`: every figure, measured in this run on this machine. Prints a table, or
 * with `--json` one flat JSON object of figure name -> number.
 */
import { campaignFigures } from './campaign.ts';
import { checkFigures } from './check.ts';
import { clusterFigures } from './cluster.ts';
import { consistencyFigures } from './consistency.ts';
import { kenFigures } from './ken.ts';
import { linFigures } from './lin.ts';
import { netFigures } from './net.ts';
import { simFigures } from './sim.ts';
import { strategyFigures } from './strategies.ts';

const json = process.argv.includes('--json');
const sections: [string, () => Record<string, number> | Promise<Record<string, number>>][] = [
  ['simulator', simFigures],
  ['ken', kenFigures],
  ['linearizability', linFigures],
  ['consistency', consistencyFigures],
  ['campaign', campaignFigures],
  ['exploration strategies', strategyFigures],
  ['exhaustive check', checkFigures],
  ['network', netFigures],
  ['cluster', clusterFigures],
];

const figures: Record<string, number> = {};
for (const [name, measure] of sections) {
  if (!json) process.stderr.write(`measuring ${name}...\n`);
  Object.assign(figures, await measure());
}
const ratio = (a: string, b: string) => figures[a]! / figures[b]!;
figures['sim.pingpong.overheadVsRaw'] = ratio('sim.rawLoop.eventsPerSec', 'sim.pingpong.eventsPerSec');
figures['ken.sim.vsOff'] = ratio('ken.sim.turnsPerSec', 'ken.off.turnsPerSec');
figures['ken.fileGroup.vsOff'] = ratio('ken.fileGroup.turnsPerSec', 'ken.off.turnsPerSec');

if (json) {
  console.log(JSON.stringify(figures));
} else {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [k, v] of Object.entries(figures)) {
    const shown = v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
    console.log(`${k.padEnd(width)}  ${shown.padStart(14)}`);
  }
}
