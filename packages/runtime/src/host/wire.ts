import type { NodeId, RequestId } from '../ids.ts';

/**
 * What travels inside one transport frame, encoded as JSON (UTF-8).
 *
 * Why JSON and not `v8.serialize`: protocol messages are plain data by convention (the
 * simulator and Ken's records already assume so), JSON is the same across Node versions
 * (a rolling upgrade mixes them; v8's format is versioned), a frame can be read in a packet
 * dump, and decoding hostile bytes yields only plain objects, arrays, strings, numbers,
 * booleans and null, which `parseWire` then checks field by field. The cost is speed on
 * large messages and no Map/Set/undefined/BigInt, which protocols do not use.
 *
 * - node to node: `msg` (no Ken) or `ken` (a Ken frame, opaque here), `member` (a node joined);
 * - client to node: `req` (a request), `inspect` (ask for the node's state), `join` (a
 *   node about to start asks to be added, and for the membership: join.ts);
 * - node to client: `rep` (a reply), `redir` (try another node), `state`, `members`.
 */
export type Wire =
  | { readonly t: 'msg'; readonly msg: unknown }
  | { readonly t: 'ken'; readonly frame: unknown }
  | { readonly t: 'req'; readonly id: RequestId; readonly req: unknown }
  | { readonly t: 'inspect'; readonly id: RequestId }
  | { readonly t: 'rep'; readonly id: RequestId; readonly result: unknown }
  | { readonly t: 'redir'; readonly id: RequestId; readonly to: NodeId }
  | { readonly t: 'state'; readonly id: RequestId; readonly node: NodeId; readonly ken: boolean; readonly state: unknown }
  | { readonly t: 'join'; readonly id: RequestId; readonly node: NodeId; readonly address: string }
  | { readonly t: 'members'; readonly id: RequestId; readonly nodes: readonly { readonly id: NodeId; readonly address: string }[] }
  | { readonly t: 'member'; readonly node: NodeId; readonly address: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeWire(w: Wire): Uint8Array {
  return encoder.encode(JSON.stringify(w));
}

/** The message in `bytes`, or a one-line reason it is not one. */
export function decodeWire(bytes: Uint8Array): Wire | string {
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    return `undecodable frame (${(err as Error).message})`;
  }
  return parseWire(v);
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 256;
}

/** Checks the envelope's fields (the payloads inside are the protocol's to check). */
export function parseWire(v: unknown): Wire | string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'frame is not a JSON object';
  const w = v as Record<string, unknown>;
  switch (w.t) {
    case 'msg':
      return 'msg' in w ? (w as Wire) : "'msg' frame without msg";
    case 'ken':
      return 'frame' in w ? (w as Wire) : "'ken' frame without frame";
    case 'req':
      return isId(w.id) && 'req' in w ? (w as Wire) : "'req' frame needs an id and a req";
    case 'inspect':
      return isId(w.id) ? (w as Wire) : "'inspect' frame needs an id";
    case 'rep':
      return isId(w.id) && 'result' in w ? (w as Wire) : "'rep' frame needs an id and a result";
    case 'redir':
      return isId(w.id) && isId(w.to) ? (w as Wire) : "'redir' frame needs an id and a node";
    case 'state':
      return isId(w.id) && isId(w.node) ? (w as Wire) : "'state' frame needs an id and a node";
    case 'join':
      return isId(w.id) && isId(w.node) && isId(w.address) ? (w as Wire) : "'join' frame needs an id, a node and an address";
    case 'member':
      return isId(w.node) && isId(w.address) ? (w as Wire) : "'member' frame needs a node and an address";
    case 'members':
      return isId(w.id) && Array.isArray(w.nodes) && w.nodes.every((n: unknown) => isId((n as { id?: unknown })?.id) && isId((n as { address?: unknown })?.address))
        ? (w as Wire)
        : "'members' frame needs an id and nodes [{ id, address }]";
    default:
      return `unknown frame type ${JSON.stringify(w.t)?.slice(0, 40)}`;
  }
}
