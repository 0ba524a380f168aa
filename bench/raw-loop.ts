/**
 * The baseline: a minimal hand-written discrete-event loop (binary heap on time and
 * sequence) where two nodes bounce one message with 1 ms latency. No framework: the
 * ratio of faultline's ping-pong to this is the framework's overhead.
 */
interface Ev {
  t: number;
  seq: number;
  to: number;
  n: number;
}

export function rawPingPong(events: number): number {
  const heap: Ev[] = [];
  let seq = 0;
  const push = (e: Ev) => {
    let i = heap.length;
    heap.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const q = heap[p]!;
      if (q.t < e.t || (q.t === e.t && q.seq < e.seq)) break;
      heap[i] = q;
      i = p;
    }
    heap[i] = e;
  };
  const pop = (): Ev => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && (heap[c + 1]!.t < heap[c]!.t || (heap[c + 1]!.t === heap[c]!.t && heap[c + 1]!.seq < heap[c]!.seq))) c++;
        const x = heap[c]!;
        if (last.t < x.t || (last.t === x.t && last.seq < x.seq)) break;
        heap[i] = x;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  push({ t: 1, seq: seq++, to: 1, n: 0 });
  let done = 0;
  while (done < events) {
    const e = pop();
    done++;
    push({ t: e.t + 1, seq: seq++, to: 1 - e.to, n: e.n + 1 });
  }
  return done;
}
