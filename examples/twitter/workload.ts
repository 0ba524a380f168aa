import type { WorkloadSpec } from '@faultline/runtime';
import type { Req } from './messages.ts';

/** Few users, so that posts, follows and timelines of one user interleave often, through different front ends. */
export const USERS = ['alice', 'bob', 'carol'] as const;

/**
 * Four clients, each acting for a random user on every request, sent first to a front
 * end (clients alternate between them). 40% posts (texts `${client}:${n}`, unique in a
 * run, so a post is named by its text), 15% follows, 45% timelines.
 */
export function workload(frontEnds: readonly string[]): WorkloadSpec<Req> {
  return {
    clients: 4,
    thinkMs: 20,
    timeoutMs: 1_000,
    retries: 10,
    target: (_client, index) => frontEnds[index % frontEnds.length]!,
    next(rng, client, n) {
      const user = rng.pick(USERS);
      const r = rng.random();
      if (r < 0.4) return { type: 'post', user, text: `${client}:${n}` };
      if (r < 0.55) return { type: 'follow', user, whom: rng.pick(USERS.filter((u) => u !== user)) };
      return { type: 'timeline', user };
    },
  };
}
