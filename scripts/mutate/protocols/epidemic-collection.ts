import type { MutatedProtocol } from '../mutations.ts';

export const epidemicCollection: MutatedProtocol = {
  name: 'epidemic-collection',
  dir: 'epidemic-collection',
  exportName: 'epidemicCollection',
  mutations: [
    {
      id: 'merge-drops-tombstones',
      file: 'orset.ts',
      find: 'for (const tag of e.tombs) if (s.tombs[tag] !== true) s.tombs[tag] = true;',
      replace: 'for (const tag of e.tombs) if (s.tombs[tag] === true) s.tombs[tag] = true;',
      breaks: 'a replica never takes in another replica\'s tombstones',
    },
    {
      id: 'sync-sends-known-tombstones',
      file: 'orset.ts',
      find: 'if (!hasTomb.has(tag)) (outTombs.push(tag), budget--);',
      replace: 'if (hasTomb.has(tag)) (outTombs.push(tag), budget--);',
      breaks: 'anti-entropy sends the tombstones the peer has, not those it lacks',
    },
    {
      id: 'ack-any-entry',
      file: 'gossip.ts',
      find: 'p.adds.every((t) => hasAdd.has(t)) && p.tombs.every((t) => hasTomb.has(t))',
      replace: 'p.adds.every((t) => hasAdd.has(t)) || p.tombs.every((t) => hasTomb.has(t))',
      breaks: 'an update is acknowledged to its client once a peer holds any other entry',
    },
    {
      id: 'reply-before-second-copy',
      file: 'requests.ts',
      find: 'if (ctx.peers.length === 0) return ctx.reply(p.requestId, resultOf(p));',
      replace: 'if (ctx.peers.length >= 0) return ctx.reply(p.requestId, resultOf(p));',
      breaks: 'an update is acknowledged before a second replica has it',
    },
    {
      id: 'same-gossip-peer',
      file: 'gossip.ts',
      find: 'return s.cycle.pop();',
      replace: 'return s.cycle[0];',
      breaks: 'anti-entropy always picks the same peer',
    },
  ],
};
