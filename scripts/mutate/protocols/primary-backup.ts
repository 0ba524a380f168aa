import type { MutatedProtocol } from '../mutations.ts';

export const primaryBackup: MutatedProtocol = {
  name: 'primary-backup',
  dir: 'primary-backup',
  exportName: 'primaryBackup',
  mutations: [
    {
      id: 'quorum-off-by-one',
      file: 'views.ts',
      find: 'return Math.floor(n / 2) + 1;',
      replace: 'return Math.floor(n / 2);',
      breaks: 'half the founders (not a majority) form a view',
    },
    {
      id: 'newest-state-by-length',
      file: 'viewchange.ts',
      find: 'return a.lastView > b.lastView || (a.lastView === b.lastView && a.seq > b.seq);',
      replace: 'return a.seq > b.seq;',
      breaks: 'a new primary adopts the longest state, not the one of the latest view',
    },
    {
      id: 'replicate-from-old-view',
      file: 'replication.ts',
      find: 'if (msg.view < s.promised.num) {',
      replace: 'if (msg.view < s.view.num) {',
      breaks: 'a backup acknowledges an old view\'s updates after promising a newer ballot',
    },
    {
      id: 'commit-on-any-ack',
      file: 'replication.ts',
      find: 'all = Math.min(all, a);',
      replace: 'all = Math.max(all, a);',
      breaks: 'an op commits when any member (the primary itself) has it, not every member',
    },
    {
      id: 'prepare-accepts-equal-ballot',
      file: 'viewchange.ts',
      find: 'if (b.num <= s.promised.num || hasLivePrimary(ctx, from)) {',
      replace: 'if (b.num < s.promised.num || hasLivePrimary(ctx, from)) {',
      breaks: 'a node promises a second proposer of a ballot number it already promised',
    },
  ],
};
