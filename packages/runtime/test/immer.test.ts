import { describe, expect, it } from 'vitest';
import { produce } from 'immer';
import { Service, TurnExecutor, type Context } from '../src/index.ts';
import { readableImmerError } from '../src/immer.ts';

type S = { items: number[]; kept?: unknown };
const host = { now: () => 0, random: () => 0.5 };

/** Counts reads of process.env.NODE_ENV while `f` runs (immer's development build reads it in its array traps). */
function nodeEnvReads(f: () => void): number {
  const real = process.env;
  let reads = 0;
  process.env = new Proxy(real, {
    get(target, key) {
      if (key === 'NODE_ENV') reads++;
      return Reflect.get(target, key);
    },
  });
  try {
    f();
  } finally {
    process.env = real;
  }
  return reads;
}

describe("immer's production build in turns", () => {
  it('writes to an array draft without reading process.env', () => {
    class Arrays extends Service<S, number> {
      initialState(): S {
        return { items: [] };
      }
      onMessage(ctx: Context<S, number>, _from: string, msg: number): void {
        ctx.state.items.push(msg);
        ctx.state.items[0] = msg;
      }
    }
    const exec = new TurnExecutor<S>(new Arrays(), 'n1', ['n1', 'n2'], host);
    let state = exec.initialState();
    const reads = nodeEnvReads(() => {
      for (let i = 0; i < 10; i++) state = exec.run(state, { kind: 'message', from: 'n2', msg: i }, true).state;
    });
    expect(state.items).toEqual([9, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(reads).toBe(0);
    // The same writes through the development build (a plain `import 'immer'`) do read it: the count can fail.
    const devReads = nodeEnvReads(() => {
      produce({ items: [1, 2] }, (d) => {
        d.items.push(3);
        d.items[0] = 3;
      });
    });
    expect(devReads).toBeGreaterThan(0);
  });

  it('leaves errors other than numbered immer ones as they are', () => {
    const e = new Error('[Immer] minified error nr: 18. Full error at: https://bit.ly/3cXEKWf');
    expect((readableImmerError(e) as Error).message).toBe("[Immer 18] a patch's path does not resolve in the state");
    const other = new Error('boom');
    expect(readableImmerError(other)).toBe(other);
    expect(readableImmerError('text')).toBe('text');
  });
});
