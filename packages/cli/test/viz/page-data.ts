import type { DiagramModel } from '../../src/viz/diagram-model.ts';

/** The model a diagram page carries, read back out of the page. */
export function pageData(html: string): DiagramModel {
  const m = /<script type="application\/json" id="faultline-data">(.*?)<\/script>/s.exec(html);
  if (m === null) throw new Error('no data element in the page');
  return JSON.parse(m[1]!) as DiagramModel;
}
