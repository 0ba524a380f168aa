import { Service, defineProtocol, type Context, type Operation } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/index.ts';

/** A node that answers a token with the next one: a client that carries each reply into its next request counts up. */
class Next extends Service<Record<string, never>, never, number, number> {
  initialState(): Record<string, never> {
    return {};
  }
  onMessage(): void {}
  override onRequest(ctx: Context<Record<string, never>, never, number>, token: number, id: string): void {
    ctx.reply(id, token + 1);
  }
}

const seen: { n: number; previous: Operation<number> | undefined }[] = [];
const tokens = defineProtocol<Record<string, never>, number, number>({
  name: 'tokens',
  description: 'each request carries the last reply',
  create: () => new Next(),
  bugs: [],
  properties: [],
  faults: ['drop'],
  nodes: 1,
  workload: {
    clients: 1,
    thinkMs: 10,
    timeoutMs: 50,
    retries: 0,
    next(_rng, _client, n, previous) {
      seen.push({ n, previous: previous && { ...previous } });
      return previous?.status === 'ok' ? (previous.result as number) : -100 * n;
    },
  },
  durationMs: 3_000,
  quietMs: 100,
});

describe("the workload sees the client's previous operation", () => {
  it('with its result when answered, as given up when not, and none before the first', () => {
    seen.length = 0;
    const r = simulate({ protocol: tokens, seed: 3, scenario: { network: { dropRate: 0.3 } }, trace: 'none' });
    expect(seen[0]).toEqual({ n: 0, previous: undefined });
    const ops = r.history;
    expect(ops.length).toBeGreaterThan(20);
    for (let k = 1; k < ops.length; k++) {
      const prev = ops[k - 1]!;
      expect(seen[k]!.previous).toMatchObject({ id: prev.id, status: prev.status });
      expect(ops[k]!.req).toBe(prev.status === 'ok' ? prev.result : -100 * k);
    }
    expect(ops.some((o) => o.status === 'timeout')).toBe(true);
    expect(ops.some((o) => o.status === 'ok')).toBe(true);
  });
});
