import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeId } from '../ids.ts';

/** A node's place in the cluster. */
export interface NodeAddress {
  readonly id: NodeId;
  readonly host: string;
  readonly port: number;
}

/**
 * How nodes and clients authenticate each other, with file contents already read. TLS
 * files may contain `{id}` in their path, replaced by the node's id (each node its own
 * certificate); clients use `clientCert`/`clientKey`, or the node files with `{id}` = `client`.
 */
export type SecurityConfig =
  | { readonly kind: 'plaintext' }
  | { readonly kind: 'psk'; readonly keyFile: string }
  | { readonly kind: 'tls'; readonly ca: string; readonly cert: string; readonly key: string; readonly clientCert?: string; readonly clientKey?: string };

/** Which protocol the nodes run: a built-in name or a module path (relative to the config file). */
export interface ProtocolChoice {
  readonly name: string;
  readonly bug?: string;
  /** Passed to the protocol's `create` along with `bug`. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A parsed, validated `cluster.json`. Paths in it are absolute (resolved against `baseDir`). */
export interface ClusterConfig {
  readonly nodes: readonly NodeAddress[];
  readonly protocol: ProtocolChoice;
  readonly security: SecurityConfig;
  /** The directory the config's relative paths were resolved against. */
  readonly baseDir: string;
}

/** `cluster.json` is wrong: the message names the field. */
export class ClusterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterConfigError';
  }
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Reads and validates a cluster config file. */
export function loadClusterConfig(file: string): ClusterConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ClusterConfigError(`cannot read cluster config ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ClusterConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseClusterConfig(json, path.dirname(path.resolve(file)), file);
}

/**
 * Validates a config object:
 * ```json
 * { "nodes": [{ "id": "n1", "address": "127.0.0.1:7001" }],
 *   "protocol": { "name": "primary-backup", "options": {} },
 *   "security": { "psk": "cluster.key" } }
 * ```
 * `protocol` may also be just the name; `security` is `{ "psk": keyFile }`,
 * `{ "tls": { "ca", "cert", "key" } }` or `{ "plaintext": true }`.
 */
export function parseClusterConfig(json: unknown, baseDir: string, source = 'cluster config'): ClusterConfig {
  const fail = (field: string, problem: string): never => {
    throw new ClusterConfigError(`${source}: ${field} ${problem}`);
  };
  if (!isObject(json)) return fail('(top level)', 'must be an object with nodes, protocol and security');
  for (const k of Object.keys(json)) if (!['nodes', 'protocol', 'security'].includes(k)) fail(k, 'is not a known field (nodes, protocol, security)');
  const nodes = parseNodes(json.nodes, fail);
  const protocol = parseProtocol(json.protocol, fail);
  const security = parseSecurity(json.security, baseDir, fail);
  return { nodes, protocol, security, baseDir };
}

type Fail = (field: string, problem: string) => never;

function parseNodes(v: unknown, fail: Fail): NodeAddress[] {
  if (!Array.isArray(v) || v.length === 0) return fail('nodes', 'must be a non-empty array of { "id", "address": "host:port" }');
  const seen = new Set<string>();
  return v.map((n: unknown, i) => {
    const at = `nodes[${i}]`;
    if (!isObject(n)) return fail(at, 'must be an object { "id", "address": "host:port" }');
    if (typeof n.id !== 'string' || !ID_RE.test(n.id)) fail(`${at}.id`, `must be a name of letters, digits, '_', '.', '-' (got ${JSON.stringify(n.id)})`);
    const id = n.id as string;
    if (seen.has(id)) fail(`${at}.id`, `repeats '${id}'`);
    seen.add(id);
    if (typeof n.address !== 'string') return fail(`${at}.address`, 'must be a string "host:port"');
    const address = parseAddress(n.address);
    if (address === null) return fail(`${at}.address`, `must be "host:port" with a port 1..65535 (got ${JSON.stringify(n.address)})`);
    return { id, ...address };
  });
}

/** `host:port` (an IPv6 host in brackets) as its parts, or null if it is not one with a port 1..65535. */
export function parseAddress(text: string): { host: string; port: number } | null {
  const m = /^(.+):(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || !(port >= 1 && port <= 65535)) return null;
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

/** The inverse of `parseAddress`: `host:port`, an IPv6 host in brackets. */
export function formatAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function parseProtocol(v: unknown, fail: Fail): ProtocolChoice {
  if (typeof v === 'string' && v !== '') return { name: v, options: {} };
  if (!isObject(v)) return fail('protocol', 'must be a protocol name or { "name", "bug"?, "options"? }');
  if (typeof v.name !== 'string' || v.name === '') fail('protocol.name', 'must be a built-in protocol name or a module path');
  if (v.bug !== undefined && typeof v.bug !== 'string') fail('protocol.bug', 'must be a bug variant name');
  if (v.options !== undefined && !isObject(v.options)) fail('protocol.options', 'must be an object');
  return { name: v.name as string, bug: v.bug as string | undefined, options: (v.options as Record<string, unknown> | undefined) ?? {} };
}

function parseSecurity(v: unknown, baseDir: string, fail: Fail): SecurityConfig {
  const choose = 'must be { "psk": "<key file>" }, { "tls": { "ca", "cert", "key" } } or { "plaintext": true }';
  if (!isObject(v)) return fail('security', choose);
  const kinds = Object.keys(v);
  if (kinds.length !== 1) return fail('security', `${choose}: exactly one of them`);
  const file = (field: string, p: unknown): string => {
    if (typeof p !== 'string' || p === '') return fail(field, 'must be a file path');
    return path.resolve(baseDir, p);
  };
  if (v.plaintext !== undefined) {
    if (v.plaintext !== true) fail('security.plaintext', 'must be true: plaintext is allowed only when asked for explicitly');
    return { kind: 'plaintext' };
  }
  if (v.psk !== undefined) return { kind: 'psk', keyFile: file('security.psk', v.psk) };
  if (v.tls !== undefined) {
    const t = v.tls;
    if (!isObject(t)) return fail('security.tls', 'must be { "ca", "cert", "key" } (paths; "{id}" in cert and key is the node id)');
    const opt = (k: string) => (t[k] === undefined ? undefined : file(`security.tls.${k}`, t[k]));
    return { kind: 'tls', ca: file('security.tls.ca', t.ca), cert: file('security.tls.cert', t.cert), key: file('security.tls.key', t.key), clientCert: opt('clientCert'), clientKey: opt('clientKey') };
  }
  return fail(`security.${kinds[0]}`, `is not a security kind; security ${choose}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The node `id` of the config, or an error listing the known ones. */
export function nodeAddress(config: ClusterConfig, id: NodeId): NodeAddress {
  const n = config.nodes.find((x) => x.id === id);
  if (n === undefined) throw new ClusterConfigError(`node '${id}' is not in the cluster config (nodes: ${config.nodes.map((x) => x.id).join(', ')})`);
  return n;
}
