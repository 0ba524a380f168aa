/**
 * # A bank over a reliable network (that is not there)
 *
 * Accounts are spread over the nodes: node `n2` owns `n2/a1`, `n2/a2`, `n2/a3`, each
 * starting with 100. A client asks the owner of the source account for a transfer; the
 * owner checks the balance, debits it, sends a `credit` message to the owner of the
 * destination account, and acknowledges the transfer to the client. The destination
 * credits the account when the message arrives. A balance request is answered by the
 * account's owner; any other node redirects the client there.
 *
 * The service is written the way people first write distributed code: as if messages
 * always arrived exactly once, nodes never forgot anything, and a client never asked
 * twice. Every one of those assumptions is false under crash-restart: a restarted node
 * has lost its balances, a credit in flight to a crashed node is lost, and a client that
 * timed out retries a transfer that may already have been applied. So without help the
 * bank creates and destroys money.
 *
 * It is here to show what the Ken layer (`ken: true`) buys: with per-turn checkpoints,
 * output commit and reliable, deduplicated, in-order delivery between nodes, the same
 * code, unchanged, conserves money and applies every acknowledged transfer exactly once,
 * because a crash followed by a restart looks to everyone else like a slow node.
 */
import { Service, type Context, type NodeId, type NodeInfo, type RequestId } from '@faultline/runtime';
import { ownerOf, type BankMsg, type BankReq, type BankRes } from './messages.ts';
import { initialBankState, type BankState } from './state.ts';

type Ctx = Context<BankState, BankMsg, BankRes, never>;

export class Bank extends Service<BankState, BankMsg, BankReq, BankRes, never> {
  initialState(node: NodeInfo): BankState {
    return initialBankState(node.self);
  }

  onMessage(ctx: Ctx, _from: NodeId, msg: BankMsg): void {
    switch (msg.type) {
      case 'credit': {
        const s = ctx.state;
        s.balances[msg.account] = (s.balances[msg.account] ?? 0) + msg.amount;
        s.applied.push({ transfer: msg.transfer, side: 'credit' });
        return;
      }
    }
  }

  override onRequest(ctx: Ctx, req: BankReq, id: RequestId): void {
    switch (req.type) {
      case 'transfer':
        return this.transfer(ctx, id, req.from, req.to, req.amount);
      case 'balance': {
        if (ownerOf(req.account) !== ctx.self) return ctx.redirect(id, ownerOf(req.account));
        const balance = ctx.state.balances[req.account];
        return ctx.reply(id, balance === undefined ? { type: 'unknown-account', account: req.account } : { type: 'balance', account: req.account, balance });
      }
    }
  }

  private transfer(ctx: Ctx, id: RequestId, from: string, to: string, amount: number): void {
    if (ownerOf(from) !== ctx.self) return ctx.redirect(id, ownerOf(from));
    const s = ctx.state;
    const balance = s.balances[from];
    if (balance === undefined) return ctx.reply(id, { type: 'unknown-account', account: from });
    if (balance < amount) return ctx.reply(id, { type: 'insufficient', balance });
    s.balances[from] = balance - amount;
    s.applied.push({ transfer: id, side: 'debit' });
    if (ownerOf(to) === ctx.self) {
      s.balances[to] = (s.balances[to] ?? 0) + amount;
      s.applied.push({ transfer: id, side: 'credit' });
    } else {
      ctx.send(ownerOf(to), { type: 'credit', transfer: id, account: to, amount });
    }
    ctx.reply(id, { type: 'transferred', transfer: id });
  }
}
