import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { DiagramModel } from './diagram-model.ts';
import { jsonSafe } from './json-safe.ts';
import { pageHead } from './html-head.ts';
import { packModel } from './page-pack.ts';

/**
 * The space-time diagram as one self-contained HTML page: the model as gzipped JSON in
 * base64 in a script element (see packData; the page unpacks it with the browser's own
 * DecompressionStream), and the page's own stylesheet and scripts inline. Nothing is
 * loaded from anywhere, so the file opens offline, from disk, or as an attachment.
 */
export const asset = (name: string): string => readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8');

/** The page's scripts, in the order they run (unpack-data.js first: the others wait for its data). */
const PAGE_SCRIPTS = ['unpack-data.js', 'view.js', 'glyphs.js', 'overview.js', 'diagram.js'];

/** `extra`: more of the page's body after the diagram (the plots' panel). */
export function diagramHtml(model: DiagramModel, extra = ''): string {
  const data = packData(model);
  const title = escapeHtml(`faultline: ${model.title}`);
  return [
    ...pageHead(title, asset('diagram.css')),
    '<body>',
    asset('diagram-body.html'),
    extra,
    `<script type="application/octet-stream" id="faultline-data" data-encoding="gzip+base64">${data}</script>`,
    `<script>\n${PAGE_SCRIPTS.map(asset).join('\n')}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * A page's data: the packed model (page-pack.ts) as JSON, gzipped, in base64. Gzip takes out
 * what packing leaves repeated (keys, message types, node names). Base64 holds no `<`, so
 * nothing in the data can close its script element.
 */
export function packData(model: DiagramModel): string {
  return gzipSync(JSON.stringify(packModel(model), jsonSafe)).toString('base64');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
