import type { NodeId } from '../ids.ts';
import type { Endpoint, Transport } from '../net/index.ts';
import { formatAddress, parseAddress, type ClusterConfig } from './config.ts';
import { encodeWire, type Wire } from './wire.ts';

/**
 * The nodes a running node knows, with their addresses: its config's, then those that
 * joined later, through it (a `join` frame from the joining node, sent before it starts:
 * join.ts) or announced by a peer (a `member` frame). A node added here becomes a peer of
 * the transport, so the service can send to it; the service itself learns of it from its
 * own protocol (its `ctx.cluster` is the one it started with).
 */
export class Membership {
  private readonly addresses = new Map<NodeId, string>();

  constructor(
    config: ClusterConfig,
    private readonly self: NodeId,
    private readonly transport: () => Transport,
    private readonly log: (line: string) => void,
  ) {
    for (const n of config.nodes) this.addresses.set(n.id, formatAddress(n.host, n.port));
  }

  /** Every known node, in the order they became known. */
  list(): { id: NodeId; address: string }[] {
    return [...this.addresses].map(([id, address]) => ({ id, address }));
  }

  /** A client asks for node `w.node` at `w.address` to be added: add it, tell the peers, answer with the membership. */
  onJoin(from: Endpoint, w: Extract<Wire, { t: 'join' }>): string | null {
    const problem = this.add(w.node, w.address);
    if (problem !== null) return problem;
    const announce = encodeWire({ t: 'member', node: w.node, address: w.address });
    for (const id of this.addresses.keys()) if (id !== this.self && id !== w.node) this.transport().send({ kind: 'node', id }, announce);
    this.transport().send(from, encodeWire({ t: 'members', id: w.id, nodes: this.list() }));
    return null;
  }

  /** A peer announces a node that joined through it. */
  onMember(w: Extract<Wire, { t: 'member' }>): string | null {
    return this.add(w.node, w.address);
  }

  /** Adds `id` at `address` (again: nothing changes); a reason if it cannot be added. */
  private add(id: NodeId, address: string): string | null {
    const known = this.addresses.get(id);
    if (known === address) return null;
    if (known !== undefined) return `node ${id} asks to join at ${address} but is known at ${known}`;
    if (id === this.self) return `a node asks to join under this node's own id ${id}`;
    const parsed = parseAddress(address);
    if (parsed === null) return `node ${id} asks to join at ${JSON.stringify(address)}, not a host:port`;
    this.addresses.set(id, address);
    this.transport().addPeer(id, parsed);
    this.log(`${this.self}: ${id} joined at ${address}`);
    return null;
  }
}
