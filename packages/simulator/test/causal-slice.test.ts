import { describe, expect, it } from 'vitest';
import { causalSlice, type TraceRecord } from '../src/index.ts';

const rec = (i: number, r: Record<string, unknown>): TraceRecord => ({ i, t: i, ...r }) as unknown as TraceRecord;
const kinds = (trace: readonly TraceRecord[], records: readonly number[]) => records.map((k) => `${k}:${trace[k]!.k}`);

describe('causalSlice', () => {
  it('keeps what happened-before the violating event and leaves out what is concurrent with it', () => {
    const trace = [
      rec(0, { k: 'config' }),
      rec(1, { k: 'start', node: 'n1', incarnation: 1 }), // 1
      rec(1, { k: 'start', node: 'n2', incarnation: 1 }), // 2
      rec(1, { k: 'start', node: 'n3', incarnation: 1 }), // 3
      rec(2, { k: 'send', node: 'n1', to: 'n2', m: 1, msg: 'a' }), // 4
      rec(3, { k: 'timer', node: 'n3', tag: 'tick' }), // 5: concurrent with everything below
      rec(3, { k: 'send', node: 'n3', to: 'n1', m: 2, msg: 'b' }), // 6: its message arrives after n1's send
      rec(4, { k: 'deliver', from: 'n3', to: 'n1', m: 2 }), // 7: n1 after its send, not before n2's turn
      rec(5, { k: 'deliver', from: 'n1', to: 'n2', m: 1 }), // 8
      rec(5, { k: 'state', node: 'n2' }), // 9
      rec(5, { k: 'violation', property: 'p', message: 'n2 went wrong' }), // 10: seen after event 5
    ];
    const s = causalSlice(trace)!;
    expect(kinds(trace, s.sinks)).toEqual(['8:deliver', '9:state']);
    expect(kinds(trace, s.records)).toEqual(['1:start', '2:start', '4:send', '8:deliver', '9:state', '10:violation']);
    expect(s.violation).toBe(10);
  });

  it('takes the last record of each operation the message names as a sink, through its reply to the node that answered', () => {
    const trace = [
      rec(1, { k: 'start', node: 'n1', incarnation: 1 }), // 0
      rec(1, { k: 'start', node: 'n2', incarnation: 1 }), // 1
      rec(2, { k: 'invoke', client: 'c1', id: 'c1:1', req: 'put' }), // 2
      rec(2, { k: 'attempt', client: 'c1', id: 'c1:1', node: 'n1', attempt: 1, m: 1 }), // 3
      rec(3, { k: 'request', node: 'n1', client: 'c1', id: 'c1:1', m: 1 }), // 4
      rec(3, { k: 'reply', node: 'n1', client: 'c1', id: 'c1:1', result: 'ok', m: 2 }), // 5
      rec(4, { k: 'complete', client: 'c1', id: 'c1:1', node: 'n1', result: 'ok', m: 2 }), // 6
      rec(5, { k: 'invoke', client: 'c2', id: 'c2:1', req: 'get' }), // 7: not named
      rec(6, { k: 'timer', node: 'n2', tag: 'tick' }), // 8
      rec(6, { k: 'violation', property: 'p', message: 'put c1:1 was lost.' }), // 9
    ];
    const s = causalSlice(trace)!;
    expect(kinds(trace, s.sinks)).toEqual(['6:complete', '8:timer']);
    // Inside a word after a colon (a log entry `term:id`) too, but not as a word's prefix.
    const inEntry = trace.map((r) => (r.k === 'violation' ? { ...r, message: 'index 4 holds 1:c1:1, not c2:1x' } : r));
    expect(kinds(inEntry, causalSlice(inEntry)!.sinks)).toEqual(['6:complete', '8:timer']);
    const none = trace.map((r) => (r.k === 'violation' ? { ...r, message: 'holds c1:1x and xc1:1' } : r));
    expect(kinds(none, causalSlice(none)!.sinks)).toEqual(['8:timer']);
    expect(kinds(trace, s.records)).toEqual(['0:start', '1:start', '2:invoke', '3:attempt', '4:request', '5:reply', '6:complete', '8:timer', '9:violation']);
  });

  it('leaves out a send that nothing in the slice took in and a turn that changed nothing, though they happened-before', () => {
    const trace = [
      rec(1, { k: 'start', node: 'n1', incarnation: 1 }), // 0
      rec(1, { k: 'start', node: 'n2', incarnation: 1 }), // 1
      rec(2, { k: 'timer', node: 'n1', tag: 'hb' }), // 2: a turn that sends only
      rec(2, { k: 'send', node: 'n1', to: 'n2', m: 1, msg: 'hb' }), // 3: taken in below
      rec(2, { k: 'send', node: 'n1', to: 'n3', m: 2, msg: 'hb' }), // 4: taken in by nothing
      rec(3, { k: 'timer', node: 'n2', tag: 'tick' }), // 5: changed nothing
      rec(4, { k: 'deliver', from: 'n1', to: 'n2', m: 1 }), // 6
      rec(4, { k: 'state', node: 'n2' }), // 7
      rec(5, { k: 'timer', node: 'n2', tag: 'tick' }), // 8: changed nothing
      rec(6, { k: 'timer', node: 'n2', tag: 'check' }), // 9
      rec(6, { k: 'state', node: 'n2' }), // 10
      rec(6, { k: 'violation', property: 'p', message: 'n2 went wrong' }), // 11
    ];
    const s = causalSlice(trace)!;
    expect(kinds(trace, s.sinks)).toEqual(['9:timer', '10:state']);
    expect(kinds(trace, s.records)).toEqual(['0:start', '1:start', '2:timer', '3:send', '6:deliver', '7:state', '9:timer', '10:state', '11:violation']);
  });

  it('adds the faults that cut messages of the slice: the drop and its partition, the crash that had the receiver down', () => {
    const trace = [
      rec(1, { k: 'start', node: 'n1', incarnation: 1 }), // 0
      rec(1, { k: 'start', node: 'n2', incarnation: 1 }), // 1
      rec(1, { k: 'start', node: 'n3', incarnation: 1 }), // 2
      rec(2, { k: 'fault', fault: { atMs: 2, kind: 'partition', groups: [['n1'], ['n2', 'n3']] } }), // 3
      rec(3, { k: 'send', node: 'n2', to: 'n1', m: 1, msg: 'a' }), // 4: to n1, which went on without it
      rec(3, { k: 'drop', from: 'n2', to: 'n1', m: 1, reason: 'partition' }), // 5: the partition stands for it
      rec(4, { k: 'fault', fault: { atMs: 4, kind: 'heal' } }), // 6
      rec(5, { k: 'fault', fault: { atMs: 5, kind: 'crash', node: 'n1' } }), // 7
      rec(6, { k: 'drop', from: 'n3', to: 'n1', m: 9, reason: 'down' }), // 8: its crash stands for it
      rec(7, { k: 'fault', fault: { atMs: 7, kind: 'restart', node: 'n1' } }), // 9
      rec(8, { k: 'send', node: 'n3', to: 'n1', m: 2, msg: 'b' }), // 10
      rec(8, { k: 'drop', from: 'n3', to: 'n1', m: 2, reason: 'loss' }), // 11: lost on the way to n1
      rec(9, { k: 'send', node: 'n2', to: 'n3', m: 3, msg: 'c' }), // 12: to n3, not in the slice; its loss does not matter
      rec(9, { k: 'drop', from: 'n2', to: 'n3', m: 3, reason: 'loss' }), // 13
      rec(10, { k: 'timer', node: 'n1', tag: 'check' }), // 14
      rec(10, { k: 'state', node: 'n1' }), // 15
      rec(10, { k: 'send', node: 'n1', to: 'n2', m: 4, msg: 'd' }), // 16: sent by the violating turn
      rec(10, { k: 'drop', from: 'n1', to: 'n2', m: 4, reason: 'loss' }), // 17
      rec(10, { k: 'violation', property: 'p', message: 'n1 alone' }), // 18
    ];
    const s = causalSlice(trace)!;
    expect(kinds(trace, s.records)).toEqual(['0:start', '3:fault', '7:fault', '9:fault', '11:drop', '14:timer', '15:state', '16:send', '17:drop', '18:violation']);
  });

  it('adds a crash of a node in the slice that nothing in the slice came after', () => {
    const trace = [
      rec(1, { k: 'start', node: 'n1', incarnation: 1 }), // 0
      rec(1, { k: 'start', node: 'n2', incarnation: 1 }), // 1
      rec(2, { k: 'send', node: 'n1', to: 'n2', m: 1, msg: 'hb' }), // 2
      rec(3, { k: 'deliver', from: 'n1', to: 'n2', m: 1 }), // 3
      rec(3, { k: 'state', node: 'n2' }), // 4
      rec(4, { k: 'fault', fault: { atMs: 4, kind: 'crash', node: 'n1' } }), // 5
      rec(5, { k: 'fault', fault: { atMs: 5, kind: 'crash', node: 'n3' } }), // 6: n3 is not in the slice
      rec(6, { k: 'timer', node: 'n2', tag: 'suspect' }), // 7
      rec(6, { k: 'violation', property: 'p', message: 'n2 took over' }), // 8
    ];
    expect(kinds(trace, causalSlice(trace)!.records)).toEqual(['0:start', '1:start', '2:send', '3:deliver', '4:state', '5:fault', '7:timer', '8:violation']);
  });

  it('depends on every lane\'s last state when the violating event is on none and the message names no operation', () => {
    const trace = [
      rec(1, { k: 'start', node: 'n1', incarnation: 1 }),
      rec(1, { k: 'start', node: 'n2', incarnation: 1 }),
      rec(2, { k: 'timer', node: 'n2', tag: 'tick' }),
      rec(2, { k: 'state', node: 'n2' }),
      rec(3, { k: 'timer', node: 'n2', tag: 'tick' }), // changed nothing
      rec(4, { k: 'quiesce' }),
      rec(4, { k: 'violation', property: 'converges', message: 'n1 and n2 differ' }),
    ];
    const s = causalSlice(trace)!;
    expect(kinds(trace, s.sinks)).toEqual(['0:start', '3:state']);
    expect(kinds(trace, s.records)).toEqual(['0:start', '1:start', '2:timer', '3:state', '6:violation']);
  });

  it('depends on the nodes the message names when the violating event is on no lane and names no operation', () => {
    const trace = [
      rec(0, { k: 'config', nodes: [{ id: 'n1' }, { id: 'n2' }, { id: 'n3' }] }),
      rec(1, { k: 'start', node: 'n1', incarnation: 1 }), // 1
      rec(1, { k: 'start', node: 'n2', incarnation: 1 }), // 2
      rec(1, { k: 'start', node: 'n3', incarnation: 1 }), // 3
      rec(2, { k: 'send', node: 'n1', to: 'n3', m: 1, msg: 'a' }), // 4
      rec(3, { k: 'deliver', from: 'n1', to: 'n3', m: 1 }), // 5
      rec(3, { k: 'state', node: 'n3' }), // 6
      rec(4, { k: 'timer', node: 'n2', tag: 'tick' }), // 7: n2 is not named
      rec(4, { k: 'state', node: 'n2' }), // 8
      rec(5, { k: 'quiesce' }), // 9
      rec(5, { k: 'violation', property: 'converges', message: 'n3 (seq 2) and n1 (seq 1) differ in view 1.n1.1' }), // 10
    ];
    const s = causalSlice(trace)!;
    expect(kinds(trace, s.sinks)).toEqual(['1:start', '6:state']);
    expect(kinds(trace, s.records)).toEqual(['1:start', '3:start', '4:send', '5:deliver', '6:state', '10:violation']);
    // A word that only contains a node id (n10, xn1) does not name it: then every lane.
    const unnamed = trace.map((r) => (r.k === 'violation' ? { ...r, message: 'n10 and xn1 differ' } : r));
    expect(kinds(unnamed, causalSlice(unnamed)!.sinks)).toEqual(['1:start', '6:state', '8:state']);
  });

  it('under Ken, a durable write depends on the turns whose outputs it releases', () => {
    const trace = [
      rec(1, { k: 'start', node: 'n1', incarnation: 1 }), // 0
      rec(1, { k: 'start', node: 'n2', incarnation: 1 }), // 1
      rec(2, { k: 'timer', node: 'n1', tag: 'hb' }), // 2: changed nothing, but its output is held
      rec(3, { k: 'durable', node: 'n1', upTo: 1 }), // 3
      rec(3, { k: 'send', node: 'n1', to: 'n2', m: 1, msg: 'hb' }), // 4: released
      rec(4, { k: 'timer', node: 'n1', tag: 'hb' }), // 5: after the write, released by none before the violation
      rec(5, { k: 'deliver', from: 'n1', to: 'n2', m: 1 }), // 6
      rec(5, { k: 'state', node: 'n2' }), // 7
      rec(5, { k: 'violation', property: 'p', message: 'n2 went wrong' }), // 8
    ];
    expect(kinds(trace, causalSlice(trace)!.records)).toEqual(['0:start', '1:start', '2:timer', '3:durable', '4:send', '6:deliver', '7:state', '8:violation']);
  });

  it('under Ken, a durable write that releases nothing the slice needs is left out, and a restart depends on the last one', () => {
    const trace = [
      rec(1, { k: 'start', node: 'n1', incarnation: 1 }), // 0
      rec(2, { k: 'timer', node: 'n1', tag: 'tick' }), // 1
      rec(2, { k: 'state', node: 'n1' }), // 2
      rec(3, { k: 'durable', node: 'n1', upTo: 1 }), // 3: what the restart recovers
      rec(4, { k: 'timer', node: 'n2', tag: 'tick' }), // 4: n2 is not in the slice
      rec(5, { k: 'durable', node: 'n2', upTo: 1 }), // 5
      rec(6, { k: 'fault', fault: { atMs: 6, kind: 'crash', node: 'n1' } }), // 6
      rec(7, { k: 'fault', fault: { atMs: 7, kind: 'restart', node: 'n1' } }), // 7
      rec(7, { k: 'start', node: 'n1', incarnation: 2 }), // 8
      rec(8, { k: 'durable', node: 'n1', upTo: 1 }), // 9: releases nothing
      rec(9, { k: 'timer', node: 'n1', tag: 'tick' }), // 10
      rec(9, { k: 'state', node: 'n1' }), // 11
      rec(9, { k: 'violation', property: 'p', message: 'n1 lost its state' }), // 12
    ];
    expect(kinds(trace, causalSlice(trace)!.records)).toEqual(['0:start', '1:timer', '2:state', '3:durable', '6:fault', '7:fault', '8:start', '10:timer', '11:state', '12:violation']);
  });

  it('is undefined for a run without a violation', () => {
    expect(causalSlice([rec(1, { k: 'start', node: 'n1', incarnation: 1 }), rec(2, { k: 'quiesce' })])).toBeUndefined();
  });
});
