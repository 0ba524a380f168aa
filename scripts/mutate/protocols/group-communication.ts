import type { MutatedProtocol } from '../mutations.ts';

export const groupCommunication: MutatedProtocol = {
  name: 'group-communication',
  dir: 'group-communication',
  exportName: 'groupCommunication',
  mutations: [
    {
      id: 'stable-at-sequencer-ack',
      file: 'ordering.ts',
      find: 'for (const m of s.view.members) stable = Math.min(stable, q.acked[m.node]!);',
      replace: 'for (const m of s.view.members) if (m.node === s.self) stable = Math.min(stable, q.acked[m.node]!);',
      breaks: 'a position counts as stable once the sequencer alone has it',
    },
    {
      id: 'safe-one-early',
      file: 'ordering.ts',
      find: "if (next.msg.service === 'safe' && next.gseq > s.stable) break;",
      replace: "if (next.msg.service === 'safe' && next.gseq > s.stable + 1) break;",
      breaks: 'a safe message is delivered one position before it is stable',
    },
    {
      id: 'ack-ahead',
      file: 'ordering.ts',
      find: "const m: M<'Ack'> = { type: 'Ack', view: s.viewKey, contig: s.contig };",
      replace: "const m: M<'Ack'> = { type: 'Ack', view: s.viewKey, contig: s.contig + 1 };",
      breaks: 'a member acknowledges one position more than it holds',
    },
    {
      id: 'delivery-drops-other-pending',
      file: 'ordering.ts',
      find: 'const i = s.pending.findIndex((m) => m.id === msg.id);',
      replace: 'const i = s.pending.findIndex((m) => m.id !== msg.id);',
      breaks: 'delivering its own message, a sender forgets another one that is still unordered',
    },
  ],
};
