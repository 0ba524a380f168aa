import { TurnExecutor } from '../turn.ts';
import type { ClientId, NodeId, RequestId } from '../ids.ts';
import type { ServiceEvent } from '../events.ts';
import type { LayerOutput, LayerSetup, NodeLayer } from './layer.ts';

/**
 * No checkpoints: every input is one turn whose outputs go out at once. State is volatile
 * (a restarted node starts from `initialState`), and a message the transport drops is lost.
 */
export function plainLayer(setup: LayerSetup): NodeLayer {
  const exec = new TurnExecutor(setup.service, setup.self, setup.cluster, setup.host);
  let state: unknown = exec.initialState();
  let turns = 0;
  const run = (event: ServiceEvent): LayerOutput[] => {
    const r = exec.run(state, event);
    state = r.state;
    turns++;
    const out: LayerOutput[] = [];
    for (const e of r.effects) out.push(e.kind === 'send' ? { kind: 'send', to: e.to, payload: e.msg } : e);
    return out;
  };
  return {
    wire: 'msg',
    start: () => run({ kind: 'start' }),
    message: (from: NodeId, payload: unknown) => run({ kind: 'message', from, msg: payload }),
    timer: (tag: string) => run({ kind: 'timer', tag }),
    request: (requestId: RequestId, client: ClientId, req: unknown) => run({ kind: 'request', requestId, client, req }),
    flush: () => [],
    flushPending: false,
    get appState() {
      return state;
    },
    unackedTo: () => 0,
    stats: () => ({ turns }),
    close: () => {},
  };
}
