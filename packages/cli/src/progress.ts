import type { ChalkInstance } from 'chalk';
import type { CampaignProgress } from '@faultline/simulator';
import { duration, grouped } from './format.ts';

/** Redraws at most this often (the final state is always drawn). */
const REDRAW_EVERY_MS = 100;

/**
 * A one-line progress bar for a campaign, redrawn in place on a terminal: seeds done of
 * total, failures, seeds per second and the time left. Throttled so that a fast campaign
 * spends its time on seeds, not on drawing.
 */
export class ProgressBar {
  private readonly startMs: number;
  private lastDrawMs = -Infinity;
  private drawn = false;
  /** What the bar shows now, to redraw it under a line printed above it. */
  private shown = '';

  constructor(
    private readonly write: (chunk: string) => void,
    private readonly now: () => number,
    private readonly c: ChalkInstance,
    private readonly columns = 80,
  ) {
    this.startMs = now();
  }

  update(p: CampaignProgress): void {
    const t = this.now();
    if (p.done < p.total && t - this.lastDrawMs < REDRAW_EVERY_MS) return;
    this.draw(this.render(p, t - this.startMs), t);
  }

  /** Shows `text` in the bar's place (a later phase, such as shrinking), throttled like `update`. */
  status(text: string): void {
    const t = this.now();
    if (t - this.lastDrawMs < REDRAW_EVERY_MS) return;
    this.draw(text, t);
  }

  /** Prints `line` above the bar, which is drawn again under it. */
  above(line: string): void {
    this.write(`${this.drawn ? '\r\x1b[2K' : ''}${line}\n${this.drawn ? this.shown : ''}`);
  }

  private draw(text: string, t: number): void {
    this.lastDrawMs = t;
    this.drawn = true;
    this.shown = text;
    this.write(`\r\x1b[2K${text}`);
  }

  /** Erases the bar, leaving the cursor at the start of an empty line. */
  finish(): void {
    if (this.drawn) this.write('\r\x1b[2K');
    this.drawn = false;
  }

  render(p: CampaignProgress, elapsedMs: number): string {
    const rate = elapsedMs > 0 ? (p.done * 1000) / elapsedMs : 0;
    const etaMs = rate > 0 ? ((p.total - p.done) * 1000) / rate : Infinity;
    const counter = `${grouped(p.done)}/${grouped(p.total)} seeds`;
    const failures = p.failures === 0 ? this.c.green('0 failures') : this.c.red.bold(`${grouped(p.failures)} failure${p.failures === 1 ? '' : 's'}`);
    const speed = `${grouped(Math.round(rate))} seeds/s`;
    const eta = p.done >= p.total ? 'done' : `ETA ${duration(etaMs)}`;
    const textWidth = counter.length + 40;
    const barWidth = Math.max(10, Math.min(40, this.columns - textWidth));
    const filled = p.total > 0 ? Math.round((barWidth * p.done) / p.total) : barWidth;
    const bar = this.c.cyan('█'.repeat(filled)) + this.c.dim('░'.repeat(barWidth - filled));
    return `${bar} ${counter}  ${failures}  ${speed}  ${eta}`;
  }
}
