import { TurnExecutor, type ServiceEvent } from '@faultline/runtime';
import { GroupCommunication, type Req, type Res } from '../packages/protocols/group-communication/index.ts';

/**
 * The CPU that group-communication's turns alone cost per 1 KiB agreed multicast, in µs over
 * the three nodes: the nodes' `TurnExecutor`s in this process, driven over a perfect
 * in-memory network (FIFO, no sockets, no JSON, no TLS) and a virtual clock, with 24
 * multicasts submitted per round spread over the nodes. It separates the protocol and
 * runtime's share of `cluster.group.cpuMsPerMsg` from the transport's, and is measured in
 * process CPU time, so other jobs on the machine move it less. Best of `ROUNDS`.
 */
const IDS = ['n1', 'n2', 'n3'];
const MCASTS = 6_000;
const ROUNDS = 3;
const PER_ROUND = 24;

export function groupTurnsCpuUsPerMsg(): number {
  let now = 0;
  let x = 1;
  const host = { now: () => now, random: () => ((x = (x * 48271) % 2147483647) / 2147483647) };
  const exec = new Map(IDS.map((id) => [id, new TurnExecutor(new GroupCommunication({}), id, IDS, host)]));
  const state = new Map<string, unknown>(IDS.map((id) => [id, exec.get(id)!.initialState()]));
  const timers = new Map<string, { id: string; tag: string; at: number }>();
  const inbox: [string, ServiceEvent][] = [];
  const results = new Map<string, Res>();
  const run = (id: string, event: ServiceEvent): void => {
    const r = exec.get(id)!.run(state.get(id), event);
    state.set(id, r.state);
    for (const e of r.effects) {
      if (e.kind === 'send') inbox.push([e.to, { kind: 'message', from: id, msg: e.msg }]);
      else if (e.kind === 'setTimer') timers.set(`${id} ${e.tag}`, { id, tag: e.tag, at: now + e.delayMs });
      else if (e.kind === 'cancelTimer') timers.delete(`${id} ${e.tag}`);
      else if (e.kind === 'reply') results.set(e.requestId, e.result as Res);
    }
  };
  /** Delivers every message, then fires the timers due up to `ms` from now, in time order. */
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      for (let i = 0; i < inbox.length; i++) run(...inbox[i]!);
      inbox.length = 0;
      let next: { id: string; tag: string; at: number } | undefined;
      for (const t of timers.values()) if (next === undefined || t.at < next.at) next = t;
      if (next === undefined || next.at > end) break;
      now = Math.max(now, next.at);
      timers.delete(`${next.id} ${next.tag}`);
      run(next.id, { kind: 'timer', tag: next.tag });
    }
    now = end;
  };
  let n = 0;
  const request = (id: string, client: string, req: Req): string => {
    const requestId = `${client}/${n++}`;
    run(id, { kind: 'request', requestId, client, req });
    return requestId;
  };
  for (const id of IDS) run(id, { kind: 'start' });
  advance(5_000);
  for (const id of IDS) request(id, 'admin', { type: 'join', group: 'bench' });
  advance(500);
  const padding = 'x'.repeat(1_024);
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const ids: string[] = [];
    const cpu0 = process.cpuUsage();
    for (let sent = 0; sent < MCASTS; ) {
      for (let c = 0; c < PER_ROUND && sent < MCASTS; c++, sent++) {
        ids.push(request(IDS[sent % IDS.length]!, `b${c}`, { type: 'mcast', service: 'agreed', groups: ['bench'], payload: `${sent}:${padding}`.slice(0, 1_024) }));
      }
      advance(2);
    }
    advance(200);
    const cpu = process.cpuUsage(cpu0);
    const delivered = ids.filter((id) => results.get(id)?.type === 'delivered').length;
    if (delivered !== MCASTS) throw new Error(`bench cluster-group turns: ${delivered} of ${MCASTS} multicasts delivered back to their senders`);
    best = Math.min(best, (cpu.user + cpu.system) / MCASTS);
  }
  return best;
}
