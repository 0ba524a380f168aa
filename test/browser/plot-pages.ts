import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUG } from '../../packages/cli/test/viz/caught-bug.ts';
import { faultline } from './run-cli.ts';

/** `faultline report` of a saved trace of primary-backup with its bug, seed `seed`; returns the page. */
export async function renderRunReport(seed: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-report-'));
  const trace = join(dir, 'run.jsonl');
  const file = join(dir, 'run.html');
  await faultline(['replay', 'primary-backup', '--seed', seed, '--bug', BUG, '--out', trace]);
  const r = await faultline(['report', trace, '--out', file]);
  if (r.code !== 0) throw new Error(`faultline report exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return file;
}

/** `faultline test primary-backup --bug ... --seeds N --report FILE`; returns the page. */
export async function renderCampaignReport(seeds: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-campaign-'));
  const file = join(dir, 'campaign.html');
  const r = await faultline(['test', 'primary-backup', '--bug', BUG, '--seeds', String(seeds), '--shrink-budget-ms', '4000', '--schedules-dir', join(dir, 'schedules'), '--report', file]);
  if (r.code !== 1) throw new Error(`faultline test exited ${r.code}, not 1 (failures found):\n${r.stdout}${r.stderr}`);
  return file;
}
