import { pageHead } from '../html-head.ts';
import { PLOTS_CSS } from './plots-css.ts';
import { esc } from './svg.ts';

/** A self-contained report page: its own stylesheet, static SVG, no script and nothing loaded from anywhere. */
export function reportPage(title: string, sections: readonly string[]): string {
  return [
    ...pageHead(
      esc(`faultline report: ${title}`),
      `body { margin: 0 auto; padding: 12px 20px 30px; max-width: 1000px; background: #fbfbfd; }\nh1 { font: 650 18px system-ui, "DejaVu Sans", sans-serif; margin: 6px 0; }\n.brand { color: #2f6fec; font-weight: 800; letter-spacing: .04em; margin-right: 10px; }${PLOTS_CSS}`,
    ),
    '<body class="faultline-plots">',
    `<h1><span class="brand">faultline</span>${esc(title)}</h1>`,
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * The plots inside the space-time diagram's page: a "Plots" button at the top right that
 * opens them over the diagram (and closes them again), with their stylesheet.
 */
export function viewerPlotsPanel(section: string): string {
  return [
    `<style>${PLOTS_CSS}`,
    '#faultline-plots-panel > summary { position: fixed; top: 8px; right: 16px; z-index: 21; list-style: none; cursor: pointer; font: 600 13px system-ui, "DejaVu Sans", sans-serif; background: #2f6fec; color: #fff; border-radius: 5px; padding: 4px 12px; }',
    '#faultline-plots-panel > summary::-webkit-details-marker { display: none; }',
    '#faultline-plots-panel[open] > summary::after { content: " ✕"; }',
    '#faultline-plots-panel > .panel-body { position: fixed; inset: 42px 16px 12px; z-index: 20; overflow: auto; background: #fbfbfd; border: 1px solid #c9cfdb; border-radius: 8px; box-shadow: 0 6px 28px rgba(0,0,0,.18); padding: 4px 18px 12px; }',
    '</style>',
    '<details id="faultline-plots-panel"><summary>Plots</summary><div class="panel-body">',
    section,
    '</div></details>',
  ].join('\n');
}
