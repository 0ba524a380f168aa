import type { MutatedProtocol } from '../mutations.ts';

export const lazyReplication: MutatedProtocol = {
  name: 'lazy-replication',
  dir: 'lazy-replication',
  exportName: 'lazyReplication',
  mutations: [
    {
      id: 'merge-keeps-older-write',
      file: 'service.ts',
      find: 'if (mine === undefined || later(theirs, mine)) s.store[key] = theirs;',
      replace: 'if (mine === undefined || !later(theirs, mine)) s.store[key] = theirs;',
      breaks: 'gossip keeps the older of two writes to a key',
    },
    {
      id: 'ignore-newer-gossip',
      file: 'service.ts',
      find: 'if (dominates(s.ts, msg.ts)) return;',
      replace: 'if (dominates(msg.ts, s.ts)) return;',
      breaks: 'a replica ignores gossip that is newer than what it has',
    },
    // On the client history this one is all but equivalent: a front end joins the timestamp
    // recorded with its last answer back in at the client's next request, so only a
    // resend in between goes out with the shortened timestamp (it survived 2,000 seeds).
    // `front-ends-keep-what-clients-saw` checks the replicas' state and sees the loss at once.
    {
      id: 'front-end-replaces-timestamp',
      file: 'front-end.ts',
      find: 'if (!dominates(fe.ts, ts)) fe.ts = join(fe.ts, ts);',
      replace: 'if (!dominates(fe.ts, ts)) fe.ts = ts;',
      breaks: 'a front end replaces what its client has seen by the latest answer\'s timestamp instead of joining them',
    },
    {
      id: 'put-keeps-timestamp',
      file: 'service.ts',
      find: 's.ts = { ...s.ts, [s.id]: (s.ts[s.id] ?? 0) + 1 };',
      replace: 's.ts = { ...s.ts, [s.id]: s.ts[s.id] ?? 0 };',
      breaks: 'a put does not advance the replica\'s timestamp',
    },
  ],
};
