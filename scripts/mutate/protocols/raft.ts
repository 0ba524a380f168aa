import type { MutatedProtocol } from '../mutations.ts';

export const raft: MutatedProtocol = {
  name: 'raft',
  dir: 'raft',
  exportName: 'raft',
  mutations: [
    {
      id: 'vote-twice',
      file: 'election.ts',
      find: '(s.votedFor === null || s.votedFor === from) &&',
      replace: '(s.votedFor !== s.self || s.votedFor === from) &&',
      breaks: 'a node grants a second vote in a term (to anyone but itself)',
    },
    {
      id: 'up-to-date-by-length',
      file: 'log.ts',
      find: 'return aTerm > bTerm || (aTerm === bTerm && aIndex >= bIndex);',
      replace: 'return aIndex >= bIndex;',
      breaks: 'the election restriction compares log lengths only',
    },
    {
      id: 'majority-off-by-one',
      file: 'log.ts',
      find: 'return Math.floor(size / 2) + 1;',
      replace: 'return Math.floor(size / 2);',
      breaks: 'half the cluster (not a majority) elects and commits',
    },
    {
      id: 'commit-past-match',
      file: 'replication.ts',
      find: 's.commitIndex = Math.max(s.commitIndex, Math.min(msg.leaderCommit, matchIndex));',
      replace: 's.commitIndex = Math.max(s.commitIndex, msg.leaderCommit);',
      breaks: 'a follower commits past what the leader\'s message vouches for',
    },
    {
      id: 'keep-conflicting-entry',
      file: 'replication.ts',
      find: 'if (index <= lastIndex(s)) s.log.splice(index - base - 1);',
      replace: 'if (index <= lastIndex(s)) return;',
      breaks: 'a follower keeps a conflicting entry instead of cutting its log there',
    },
  ],
};
