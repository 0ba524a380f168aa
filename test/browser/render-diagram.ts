import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUG } from '../../packages/cli/test/viz/caught-bug.ts';
import { faultline } from './run-cli.ts';

/** Runs `faultline replay primary-backup --seed S --bug B --html FILE` in-process; returns the file and what it printed. */
export async function renderDiagram(seed: string, file = join(mkdtempSync(join(tmpdir(), 'faultline-diagram-')), 'diagram.html')): Promise<{ file: string; code: number; stdout: string }> {
  const { code, stdout, stderr } = await faultline(['replay', 'primary-backup', '--seed', seed, '--bug', BUG, '--html', file]);
  if (code !== 1) throw new Error(`faultline replay exited ${code}, not 1 (a violation):\n${stdout}${stderr}`);
  return { file, code, stdout };
}
