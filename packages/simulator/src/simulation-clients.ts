import type { ClientId, NodeId, Operation, RequestId } from '@faultline/runtime';
import { SimulationKen } from './simulation-ken.ts';
import { MAX_REDIRECTS_PER_OP, type Ev, type SimClient, type SimNode } from './simulation-types.ts';

/** A run's clients: issuing operations, attempts, timeouts, redirects, replies. */
export abstract class SimulationClients extends SimulationKen {
  protected clientNext(client: SimClient): void {
    if (!this.workloadOpen) return;
    if (this.config.maxRequests !== undefined && this.history.length >= this.config.maxRequests) return;
    if (client.issued >= (this.config.clientRequests?.[client.id] ?? Infinity)) return;
    const n = client.issued++;
    const recording = this.choices.recording;
    const label = recording ? `workload/${client.id}` : '';
    const from = recording ? this.choices.count(label) : 0;
    const req = this.config.workload.next(client.rng, client.id, n, client.previous);
    const op: Operation = { id: `${client.id}:${n + 1}`, client: client.id, req, invokeMs: this.now, status: 'pending', attempts: 0 };
    if (recording) this.recordDraws(client, op.id, label, from);
    this.history.push(op);
    this.requestClient.set(op.id, client.id);
    client.op = op;
    client.redirects = 0;
    this.dirty = true;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'invoke', client: client.id, id: op.id, req });
    this.sendAttempt(client);
  }

  /**
   * `SimResult.operationDraws` of operation `id`, just invoked: its request's span of the
   * workload stream, and the spans of the client's links its previous operation drew, which
   * end here.
   */
  private recordDraws(client: SimClient, id: RequestId, label: string, drawnFrom: number): void {
    this.operationDraws[id] = { [label]: [[drawnFrom, this.choices.count(label)]] };
    const from = `network/${client.id}>`;
    const to = `>${client.id}`;
    const links = this.choices.countsWhere((l) => l.startsWith(from) || (l.startsWith('network/') && l.endsWith(to)));
    const previous = client.previous === undefined ? undefined : this.operationDraws[client.previous.id];
    if (previous !== undefined && client.linksAt !== undefined)
      for (const [l, count] of links) {
        const at = client.linksAt.get(l) ?? 0;
        if (count > at) previous[l] = [[at, count]];
      }
    client.linksAt = links;
  }

  /** Runs `turn`, request `id`'s arrival at `node`, noting what the node's disk and its `ctx.random()` drew in it as the operation's. */
  protected requestTurn(id: RequestId, node: NodeId, turn: () => void): void {
    const labels = [`disk/${node}`, `node/${node}`];
    const before = labels.map((l) => this.choices.count(l));
    turn();
    const draws = this.operationDraws[id];
    if (draws === undefined) return;
    labels.forEach((l, i) => {
      const to = this.choices.count(l);
      if (to > before[i]!) (draws[l] ??= []).push([before[i]!, to]);
    });
  }

  protected sendAttempt(client: SimClient): void {
    const op = client.op!;
    op.attempts++;
    const attempt = ++client.attempt;
    const m = ++this.msgId;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'attempt', client: client.id, id: op.id, node: client.target, attempt: op.attempts, m });
    this.push({ t: this.now + this.config.workload.timeoutMs, seq: 0, k: 'client-timeout', client: client.id, id: op.id, attempt });
    const fate = this.network.fate(client.id, client.target, this.now, false);
    if (fate.kind === 'drop') {
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'drop', from: client.id, to: client.target, m, reason: fate.reason });
      return;
    }
    this.push({ t: fate.atMs, seq: 0, k: 'request', client: client.id, node: client.target, id: op.id, m, req: op.req });
    if (fate.duplicateAtMs !== undefined) {
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'dup', from: client.id, to: client.target, m });
      this.push({ t: fate.duplicateAtMs, seq: 0, k: 'request', client: client.id, node: client.target, id: op.id, m, req: op.req });
    }
  }

  protected respond(node: SimNode, id: RequestId, result: unknown, redirect: NodeId | undefined): void {
    const client = this.requestClient.get(id);
    if (client === undefined) return this.fail('invalid-effect', `${node.id} replied to unknown request '${id}'`);
    if (redirect !== undefined && !this.nodes.has(redirect))
      return this.fail('invalid-effect', `${node.id} redirected request '${id}' to unknown node '${redirect}'`);
    const m = ++this.msgId;
    if (this.tracing) {
      if (redirect === undefined) this.emit({ i: this.index, t: this.now, k: 'reply', node: node.id, client, id, result, m });
      else this.emit({ i: this.index, t: this.now, k: 'redirect', node: node.id, client, id, to: redirect, m });
    }
    const fate = this.network.fate(node.id, client, this.now, false);
    if (fate.kind === 'drop') {
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'drop', from: node.id, to: client, m, reason: fate.reason });
      return;
    }
    this.push({ t: fate.atMs, seq: 0, k: 'response', client, node: node.id, id, m, result, redirect });
    if (fate.duplicateAtMs !== undefined) {
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'dup', from: node.id, to: client, m });
      this.push({ t: fate.duplicateAtMs, seq: 0, k: 'response', client, node: node.id, id, m, result, redirect });
    }
  }

  protected clientResponse(ev: Extract<Ev, { k: 'response' }>): void {
    const client = this.clients.get(ev.client)!;
    const op = client.op;
    if (op === undefined || op.id !== ev.id || op.status !== 'pending') {
      if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'stale-reply', client: client.id, id: ev.id, node: ev.node, m: ev.m });
      return;
    }
    if (ev.redirect !== undefined) {
      if (client.redirects >= MAX_REDIRECTS_PER_OP) return;
      client.redirects++;
      client.target = ev.redirect;
      this.sendAttempt(client);
      return;
    }
    op.status = 'ok';
    op.completeMs = this.now;
    op.result = ev.result;
    op.node = ev.node;
    this.dirty = true;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'complete', client: client.id, id: op.id, node: ev.node, result: ev.result, m: ev.m });
    this.finishOp(client);
  }

  protected clientTimeout(clientId: ClientId, id: RequestId, attempt: number): void {
    const client = this.clients.get(clientId)!;
    const op = client.op;
    if (op === undefined || op.id !== id || op.status !== 'pending' || client.attempt !== attempt) return;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'timeout', client: clientId, id, attempt: op.attempts });
    if (op.attempts <= this.config.workload.retries + client.redirects) {
      client.target = this.nextTarget(client.target);
      this.sendAttempt(client);
      return;
    }
    op.status = 'timeout';
    op.completeMs = this.now;
    this.dirty = true;
    if (this.tracing) this.emit({ i: this.index, t: this.now, k: 'give-up', client: clientId, id });
    this.finishOp(client);
  }

  protected finishOp(client: SimClient): void {
    client.previous = client.op;
    client.op = undefined;
    if (this.workloadOpen) this.push({ t: this.now + this.config.workload.thinkMs + (this.config.clientDelayMs?.[client.id]?.[client.issued] ?? 0), seq: 0, k: 'client-next', client: client.id });
  }

  /** After a timeout a client tries the next started node, in cluster order. */
  protected nextTarget(current: NodeId): NodeId {
    const started = this.nodeList.filter((n) => n.started);
    const i = started.findIndex((n) => n.id === current);
    return started[(i + 1) % started.length]!.id;
  }
}
