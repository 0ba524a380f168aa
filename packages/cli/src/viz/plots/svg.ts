/**
 * The smallest SVG writer the plots need: an element as a string, attributes escaped,
 * coordinates rounded to two decimals so that pages stay small (`data-*` values are data:
 * they are written whole).
 */
export type Attrs = Readonly<Record<string, string | number | undefined>>;

/** `<name attrs>children</name>`, or `<name attrs/>` with no children. Undefined attributes are left out. */
export function el(name: string, attrs: Attrs, children: string | readonly string[] = ''): string {
  const body = typeof children === 'string' ? children : children.join('');
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' && !k.startsWith('data-') ? num(v) : esc(String(v))}"`)
    .join('');
  return body === '' ? `<${name}${a}/>` : `<${name}${a}>${body}</${name}>`;
}

/** Text escaped for XML and HTML content and attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A coordinate: at most two decimals, no trailing zeros, never "-0". */
export function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(r === 0 ? 0 : r);
}

/** A tooltip: the `<title>` child a browser shows on hover. */
export function tip(text: string): string {
  return el('title', {}, esc(text));
}
