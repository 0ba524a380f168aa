import { readFileSync } from 'node:fs';
import type { DiagramModel } from './diagram-model.ts';
import { jsonSafe } from './json-safe.ts';

/**
 * The space-time diagram as one self-contained HTML page: the model as JSON in a script
 * element, and the page's own stylesheet and script inline. Nothing is loaded from
 * anywhere, so the file opens offline, from disk, or as an attachment.
 */
const asset = (name: string): string => readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8');

/** `extra`: more of the page's body after the diagram (the plots' panel). */
export function diagramHtml(model: DiagramModel, extra = ''): string {
  // `<` escaped, so that no string in the data can close the script element.
  const data = JSON.stringify(model, jsonSafe).replace(/</g, '\\u003c');
  const title = escapeHtml(`faultline: ${model.title}`);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>\n${asset('diagram.css')}</style>`,
    '</head>',
    '<body>',
    asset('diagram-body.html'),
    extra,
    `<script type="application/json" id="faultline-data">${data}</script>`,
    `<script>\n${asset('diagram.js')}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
