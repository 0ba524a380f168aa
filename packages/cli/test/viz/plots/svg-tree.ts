/**
 * A small XML reader for the tests: turns the plots' SVG (well-formed, double-quoted
 * attributes, escaped text) into a tree, and fails loudly on anything unbalanced.
 */
export interface Node {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: Node[];
  text: string;
}

const unescape = (s: string) => s.replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d))).replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"');

export function parseXml(text: string): Node {
  const root: Node = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: Node[] = [root];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  let at = 0;
  for (let m = tag.exec(text); m !== null; m = tag.exec(text)) {
    if (m.index !== at) throw new Error(`not XML at ${at}: ${text.slice(at, at + 40)}`);
    at = tag.lastIndex;
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) {
      top.text += unescape(m[5]);
      continue;
    }
    const [, close, name, rawAttrs, selfClose] = m;
    if (close) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs!.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]!] = unescape(a[2]!);
    const node: Node = { name: name!, attrs, children: [], text: '' };
    top.children.push(node);
    if (!selfClose) stack.push(node);
  }
  if (at !== text.length) throw new Error(`not XML at ${at}`);
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> never closed`);
  return root;
}

/** Every node below `n` (depth first) that `pred` accepts. */
export function findAll(n: Node, pred: (n: Node) => boolean): Node[] {
  const out: Node[] = [];
  const walk = (m: Node) => {
    for (const c of m.children) {
      if (pred(c)) out.push(c);
      walk(c);
    }
  };
  walk(n);
  return out;
}

export const hasClass = (cls: string) => (n: Node) => (n.attrs.class ?? '').split(' ').includes(cls);

/** All text inside `n`. */
export function textOf(n: Node): string {
  return n.text + n.children.map(textOf).join('');
}

/** The one `<svg>` with id `id` in `xml`. */
export function svgById(xml: string, id: string): Node {
  const found = findAll(parseXml(xml), (n) => n.name === 'svg' && n.attrs.id === id);
  if (found.length !== 1) throw new Error(`${found.length} <svg id="${id}">`);
  return found[0]!;
}

/**
 * The x axis's mapping from value to pixel, read from two of its ticks (their data-value
 * and their tick line's x), so that a test can check where a mark was drawn.
 */
export function xOfValue(svg: Node): (v: number) => number {
  const axis = findAll(svg, hasClass('x-axis'))[0]!;
  const ticks = findAll(axis, hasClass('tick')).map((t) => ({ v: Number(t.attrs['data-value']), x: Number(t.children.find((c) => c.name === 'line')!.attrs.x1) }));
  if (ticks.length < 2) throw new Error('fewer than two x ticks');
  const [a, b] = [ticks[0]!, ticks[ticks.length - 1]!];
  return (v) => a.x + ((v - a.v) / (b.v - a.v)) * (b.x - a.x);
}
