import type { MutatedProtocol } from '../mutations.ts';

export const shoppingList: MutatedProtocol = {
  name: 'shopping-list',
  dir: 'shopping-list',
  exportName: 'shoppingList',
  mutations: [
    {
      id: 'bought-answers-half',
      file: 'service.ts',
      find: 'if (move.removed === null || move.tag === null) return;',
      replace: 'if (move.removed === null && move.tag === null) return;',
      breaks: "a `bought` is answered once either of its two updates has settled, before the other has a second copy",
    },
    {
      id: 'list-reads-pantry',
      file: 'service.ts',
      find: "return ctx.reply(id, { type: 'items', items: this.needed.values(ctx) });",
      replace: "return ctx.reply(id, { type: 'items', items: this.pantry.values(ctx) });",
      breaks: '`list` answers with the pantry (a line copied from `pantry` and not edited)',
    },
    {
      id: 'pantry-not-started',
      file: 'service.ts',
      find: 'this.pantry.start(ctx);',
      replace: '',
      breaks: "the second collection is never started: its gossip timer never runs (the pantry's updates are pushed once, never repaired) and its incarnation is never drawn (a node restarted without Ken tags adds as before). Under Ken, which delivers every push and keeps the state, neither shows: run without",
      flags: ['--no-ken'],
    },
    {
      id: 'pantry-timers-dropped',
      file: 'service.ts',
      find: 'if (!this.needed.onTimer(ctx, tag)) this.pantry.onTimer(ctx, tag);',
      replace: 'this.needed.onTimer(ctx, tag);',
      breaks: "timers go only to the first collection: the pantry's gossip stops after its first round (visible without Ken only, as above)",
      flags: ['--no-ken'],
    },
    {
      id: 'checkout-clears-pantry',
      file: 'service.ts',
      find: 'return this.settleNow(ctx, \'needed\', id, this.needed.clear(ctx, id));',
      replace: 'return this.settleNow(ctx, \'needed\', id, this.pantry.clear(ctx, id));',
      breaks: '`checkout` empties the pantry instead of the needed list',
    },
    {
      id: 'move-remove-under-request-id',
      file: 'service.ts',
      find: 'this.settleNow(ctx, \'needed\', moveId(id), this.needed.remove(ctx, req.item, moveId(id)));',
      replace: 'this.settleNow(ctx, \'needed\', moveId(id), this.needed.remove(ctx, req.item, id));',
      breaks: "a `bought`'s remove from the needed list goes under the request id instead of its own, so it settles as if it were a need or a checkout",
    },
  ],
};
