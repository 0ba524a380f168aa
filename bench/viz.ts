/**
 * The viewer (issue 15): page bytes of `faultline replay P --seed 1 --duration-ms T --html`
 * for primary-backup and raft at 30 s and 60 s simulated (deterministic: one measurement
 * each; goal for raft 30 s: at most 5 MB), and the time headless Chromium takes to open the
 * 60 s raft page until its first drawing is on screen, measured inside the page from the
 * start of navigation (goal: under 3 s). Load times are the median, minimum and maximum of
 * LOADS fresh page loads in one browser.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '@faultline/cli';
import { launchChromium } from '../test/browser/chromium.ts';

const LOADS = 5;
const PAGES: [string, string, number][] = [
  ['pb30', 'primary-backup', 30_000],
  ['pb60', 'primary-backup', 60_000],
  ['raft30', 'raft', 30_000],
  ['raft60', 'raft', 60_000],
];

async function writePage(protocol: string, durationMs: number, file: string): Promise<void> {
  let err = '';
  const quiet = { write: () => {} };
  const code = await main(['replay', protocol, '--seed', '1', '--duration-ms', String(durationMs), '--html', file], {
    stdout: quiet,
    stderr: { write: (s: string) => (err += s) },
    isTTY: false,
    env: {},
  });
  if (code === 2) throw new Error(`bench viz: replay ${protocol} failed: ${err}`);
}

export async function vizFigures(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-viz-'));
  const figures: Record<string, number> = {};
  try {
    const files: Record<string, string> = {};
    for (const [key, protocol, ms] of PAGES) {
      files[key] = join(dir, `${key}.html`);
      await writePage(protocol, ms, files[key]);
      figures[`viz.${key}.pageMB`] = statSync(files[key]).size / 1e6;
    }
    const browser = await launchChromium();
    try {
      /** Milliseconds from the start of navigation until the page says its first drawing is done. */
      const loadMs = async (file: string): Promise<number> => {
        const page = await browser.context.newPage();
        try {
          await page.goto(pathToFileURL(file).href);
          await page.waitForFunction(() => (globalThis as unknown as { faultlineDiagram?: { readyMs?: number } }).faultlineDiagram?.readyMs !== undefined, undefined, { timeout: 60_000 });
          return await page.evaluate(() => (globalThis as unknown as { faultlineDiagram: { readyMs: number } }).faultlineDiagram.readyMs);
        } finally {
          await page.close();
        }
      };
      await loadMs(files.raft60!); // warm up
      const times: number[] = [];
      for (let k = 0; k < LOADS; k++) times.push(await loadMs(files.raft60!));
      times.sort((a, b) => a - b);
      figures['viz.raft60.loadMs'] = times[Math.floor(times.length / 2)]!;
      figures['viz.raft60.loadMsMin'] = times[0]!;
      figures['viz.raft60.loadMsMax'] = times[times.length - 1]!;
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
