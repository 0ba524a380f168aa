import { laneOf, type TraceRecord } from '@faultline/simulator';

export { laneOf } from '@faultline/simulator';

/** The lanes of a trace: its nodes in cluster order, then its clients (c1, c2, ..., c10). */
export function lanesOf(records: readonly TraceRecord[]): { nodes: string[]; clients: string[] } {
  const config = records.find((r) => r.k === 'config');
  const nodes: string[] = config?.k === 'config' ? config.nodes.map((n) => n.id) : [];
  const known = new Set(nodes);
  const clients: string[] = [];
  for (const r of records) {
    const lane = laneOf(r);
    if (lane === undefined || known.has(lane)) continue;
    known.add(lane);
    if ('client' in r && r.client === lane) clients.push(lane);
    else if (r.k === 'drop' || r.k === 'dup') clients.push(lane); // only clients are not in the config
    else nodes.push(lane);
  }
  clients.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return { nodes, clients };
}
