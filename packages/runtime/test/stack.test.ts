import { describe, expect, it } from 'vitest';
import { Service, TurnExecutor, Upper, stack, type Answer, type Context, type StackState, type UpperContext } from '../src/index.ts';

/**
 * Two layers whose messages, timers and requests look alike ({ type: 'ping' }, timer
 * 'tick'), so any leak from one layer's namespace into the other's would be counted by
 * the wrong handler.
 */
type Ping = { type: 'ping' };
type LState = { pings: number; ticks: number; calls: string[] };
type UState = { pings: number; ticks: number; answers: string[] };

class Lower extends Service<LState, Ping, string, string, 'tick'> {
  initialState(): LState {
    return { pings: 0, ticks: 0, calls: [] };
  }
  onMessage(ctx: Context<LState, Ping, string, 'tick'>): void {
    ctx.state.pings++;
  }
  override onTimer(ctx: Context<LState, Ping, string, 'tick'>): void {
    ctx.state.ticks++;
  }
  override onRequest(ctx: Context<LState, Ping, string, 'tick'>, req: string, requestId: string, client: string): void {
    ctx.state.calls.push(`${client}:${req}`);
    if (req === 'elsewhere') return ctx.redirect(requestId, 'n2');
    ctx.reply(requestId, `done ${req}`);
  }
}

type UCtx = UpperContext<UState, Ping, string, 'tick', string>;

class Front extends Upper<UState, Ping, string, string, 'tick', string, string> {
  initialState(): UState {
    return { pings: 0, ticks: 0, answers: [] };
  }
  onMessage(ctx: UCtx): void {
    ctx.state.pings++;
    ctx.broadcast({ type: 'ping' });
    ctx.setTimer('tick', 5);
  }
  override onTimer(ctx: UCtx): void {
    ctx.state.ticks++;
  }
  override onRequest(ctx: UCtx, req: string, requestId: string): void {
    const [to, what] = req.split(' ') as [string, string];
    ctx.call(to, requestId, what);
  }
  onAnswer(ctx: UCtx, callId: string, answer: Answer<string>): void {
    ctx.state.answers.push(`${callId}=${answer.kind === 'result' ? answer.result : `moved to ${answer.to}`}`);
    if (answer.kind === 'result') ctx.reply(callId, answer.result);
  }
}

const host = { now: () => 0, random: () => 0.5 };
const NODES = ['n1', 'n2', 'n3'];
const both = () => stack({ upper: new Front(), lower: new Lower() });
const exec = (self: string, service = both()) => new TurnExecutor<StackState<UState, LState>>(service, self, NODES, host);

describe('stack', () => {
  it("a layer's message reaches only that layer's handler, and a layer's effects carry its namespace", () => {
    const e = exec('n1');
    const s0 = e.initialState();
    const up = e.run(s0, { kind: 'message', from: 'n2', msg: { layer: 'upper', msg: { type: 'ping' } } });
    expect(up.state.upper!.pings).toBe(1);
    expect(up.state.lower!.pings).toBe(0);
    expect(up.effects).toContainEqual({ kind: 'send', to: 'n2', msg: { layer: 'upper', msg: { type: 'ping' } } });
    expect(up.effects).toContainEqual({ kind: 'setTimer', tag: 'upper:tick', delayMs: 5 });
    const down = e.run(up.state, { kind: 'message', from: 'n2', msg: { layer: 'lower', msg: { type: 'ping' } } });
    expect(down.state.upper!.pings).toBe(1);
    expect(down.state.lower!.pings).toBe(1);
    const tick = e.run(down.state, { kind: 'timer', tag: 'lower:tick' });
    expect([tick.state.upper!.ticks, tick.state.lower!.ticks]).toEqual([0, 1]);
  });

  it('a call on the same node runs within the turn, and its answer reaches the upper layer in that turn', () => {
    const e = exec('n1');
    const r = e.run(e.initialState(), { kind: 'request', requestId: 'r1', client: 'c1', req: 'n1 work' });
    expect(r.state.lower!.calls).toEqual(['n1:work']);
    expect(r.state.upper!.answers).toEqual(['r1=done work']);
    expect(r.effects).toEqual([{ kind: 'reply', requestId: 'r1', result: 'done work' }]);
  });

  it('a call to another node travels as a message, and the answer comes back to the caller from whichever node replies', () => {
    const caller = exec('n1');
    const sent = caller.run(caller.initialState(), { kind: 'request', requestId: 'r2', client: 'c1', req: 'n2 work' });
    expect(sent.effects).toEqual([{ kind: 'send', to: 'n2', msg: { layer: 'call', callId: 'r2', client: 'n1', req: 'work' } }]);
    const callee = exec('n2');
    const served = callee.run(callee.initialState(), { kind: 'message', from: 'n1', msg: (sent.effects[0] as { msg: unknown }).msg });
    expect(served.state.lower!.calls).toEqual(['n1:work']);
    expect(served.state.upper!.answers).toEqual([]);
    expect(served.effects).toEqual([{ kind: 'send', to: 'n1', msg: { layer: 'answer', callId: 'r2', answer: { kind: 'result', result: 'done work' } } }]);
    const back = caller.run(sent.state, { kind: 'message', from: 'n2', msg: (served.effects[0] as { msg: unknown }).msg });
    expect(back.state.upper!.answers).toEqual(['r2=done work']);
    const moved = callee.run(callee.initialState(), { kind: 'message', from: 'n1', msg: { layer: 'call', callId: 'r3', client: 'n1', req: 'elsewhere' } });
    expect(moved.effects).toEqual([{ kind: 'send', to: 'n1', msg: { layer: 'answer', callId: 'r3', answer: { kind: 'moved', to: 'n2' } } }]);
  });

  it('each layer runs only where placed: its slice is null elsewhere, its cluster is its nodes, messages for an absent layer are dropped', () => {
    const tiered = () => stack({ upper: new Front(), lower: new Lower(), upperOn: (n) => n === 'n1', lowerOn: (n) => n !== 'n1' });
    const back = exec('n2', tiered());
    const s0 = back.initialState();
    expect(s0.upper).toBeNull();
    expect(s0.lower).toEqual({ pings: 0, ticks: 0, calls: [] });
    const stray = back.run(s0, { kind: 'message', from: 'n1', msg: { layer: 'upper', msg: { type: 'ping' } } });
    expect(stray.changed).toBe(false);
    expect(stray.effects).toEqual([]);
    // A client that reaches a node without the upper layer is sent to one that has it.
    const r = back.run(s0, { kind: 'request', requestId: 'r4', client: 'c1', req: 'n2 work' });
    expect(r.effects).toEqual([{ kind: 'redirect', requestId: 'r4', to: 'n1' }]);
    // The upper layer's cluster is only the nodes it runs on: its broadcast reaches no back end.
    const front = exec('n1', tiered());
    const b = front.run(front.initialState(), { kind: 'message', from: 'n1', msg: { layer: 'upper', msg: { type: 'ping' } } });
    expect(b.effects.filter((x) => x.kind === 'send')).toEqual([]);
  });

  it('a stack is a service: three layers, each calling the one below, answer a client within one turn', () => {
    /** Forwards each request to the layer below with its name appended, and passes the answer up. */
    class Relay extends Upper<{ seen: number }, never, string, string, 'tick', string, string> {
      constructor(private readonly tag: string) {
        super();
      }
      initialState() {
        return { seen: 0 };
      }
      onMessage(): void {}
      override onRequest(ctx: UpperContext<{ seen: number }, never, string, 'tick', string>, req: string, requestId: string): void {
        ctx.state.seen++;
        ctx.call(ctx.self, requestId, `${req}>${this.tag}`);
      }
      onAnswer(ctx: UpperContext<{ seen: number }, never, string, 'tick', string>, callId: string, answer: Answer<string>): void {
        if (answer.kind === 'result') ctx.reply(callId, `${answer.result}<${this.tag}`);
      }
    }
    const three = stack({ upper: new Relay('a'), lower: stack({ upper: new Relay('b'), lower: new Lower() }) });
    const e = new TurnExecutor(three, 'n1', NODES, host);
    const r = e.run(e.initialState(), { kind: 'request', requestId: 'r6', client: 'c1', req: 'go' });
    expect(r.effects).toEqual([{ kind: 'reply', requestId: 'r6', result: 'done go>a>b<b<a' }]);
    expect(r.state).toMatchObject({ upper: { seen: 1 }, lower: { upper: { seen: 1 }, lower: { calls: ['n1:go>a>b'] } } });
  });

  it('the upper layer must call with the lower layer\'s requests (a type error otherwise)', () => {
    class Numbers extends Service<null, never, number, number> {
      initialState() {
        return null;
      }
      onMessage(): void {}
    }
    // @ts-expect-error Front calls with strings; Numbers takes numbers.
    expect(() => stack({ upper: new Front(), lower: new Numbers() })).not.toThrow();
  });

  it('a call loop between the layers within one turn is stopped with an error', () => {
    class Echo extends Lower {
      override onRequest(ctx: Context<LState, Ping, string, 'tick'>, _req: string, requestId: string): void {
        ctx.reply(requestId, 'again');
      }
    }
    class Loop extends Front {
      override onAnswer(ctx: UCtx, callId: string): void {
        ctx.call(ctx.self, callId, 'again');
      }
    }
    const e = exec('n1', stack({ upper: new Loop(), lower: new Echo() }));
    expect(() => e.run(e.initialState(), { kind: 'request', requestId: 'r5', client: 'c1', req: 'n1 go' })).toThrow(/more than 10000 calls between the layers/);
  });
});
