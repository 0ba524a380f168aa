/**
 * The README's picture of the space-time diagram, made the way the browser test makes its
 * own: `npx tsx test/browser/screenshot.ts docs/images/space-time.png`. It renders the
 * diagram of the first failing seed of primary-backup --bug reply-before-replicate, goes to
 * the violation, selects the last reply a client got before it (the acknowledged write that
 * is then lost), and saves the window.
 */
import { readFileSync } from 'node:fs';
import { caughtBugRun } from '../../packages/cli/test/viz/caught-bug.ts';
import { pageData } from '../../packages/cli/test/viz/page-data.ts';
import { launchChromium, openPage } from './chromium.ts';
import { renderDiagram } from './render-diagram.ts';

const out = process.argv[2];
if (out === undefined) throw new Error('usage: tsx test/browser/screenshot.ts OUT.png');
const seed = caughtBugRun().seed;
const { file } = await renderDiagram(seed);
const data = pageData(readFileSync(file, 'utf8'));
const reply = data.events.findLastIndex((e) => e.k === 'reply' && e.c < data.violation!.column);
const browser = await launchChromium({ width: 1440, height: 900 });
try {
  const { page } = await openPage(browser, file);
  await page.keyboard.press('v');
  await page.locator(`[data-ev="${reply}"]`).click();
  await page.screenshot({ path: out });
  console.log(`${out}: primary-backup seed ${seed}, event ${reply} selected`);
} finally {
  await browser.close();
}
