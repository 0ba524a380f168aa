/**
 * Node processes of a local cluster: `faultline run` started as child processes, killed
 * (SIGKILL or SIGTERM) and started again over the same data directory. Used by the
 * example's launcher, the cluster tests and the cluster benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const FAULTLINE_BIN = fileURLToPath(new URL('../../packages/cli/bin/faultline.js', import.meta.url));
/** The same `faultline run`, started without the dispatcher (see run-node.mjs). */
const RUN_NODE = fileURLToPath(new URL('./run-node.mjs', import.meta.url));

/** How long a node may take to print its "listening" line (a loaded machine starts tsx slowly). */
const START_TIMEOUT_MS = 60_000;
/** Output lines of a node kept for error messages. */
const LOG_LINES_KEPT = 200;

export interface NodeProcessOptions {
  readonly config: string;
  readonly id: string;
  /** Ken's data directory; no Ken when absent. */
  readonly dataDir?: string;
  /** Every output line of the node (stdout and stderr), as it comes. */
  readonly onLine?: (id: string, line: string) => void;
  /** Start through run-node.mjs rather than the `faultline` bin: quicker, for many restarts. */
  readonly quickStart?: boolean;
  /** Extra node flags for the process, e.g. `['--cpu-prof', '--cpu-prof-dir', dir]` to profile it. */
  readonly nodeArgs?: readonly string[];
  /** Extra `faultline run` flags, e.g. `['--join', 'n1']`. */
  readonly runArgs?: readonly string[];
}

/** One node's process, across restarts. */
export class NodeProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  readonly lines: string[] = [];
  starts = 0;
  /** Starts in which Ken recovered the node from its data directory. */
  recoveries = 0;

  constructor(readonly options: NodeProcessOptions) {}

  /** The running process's id (undefined while stopped). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the node and resolves once it listens. */
  async start(): Promise<void> {
    if (this.child !== undefined) throw new Error(`${this.options.id} is already running`);
    const o = this.options;
    const args = [...(o.nodeArgs ?? []), o.quickStart === true ? RUN_NODE : FAULTLINE_BIN, 'run', '--config', o.config, '--node', o.id];
    if (o.dataDir !== undefined) args.push('--ken', '--data-dir', o.dataDir);
    args.push(...(o.runArgs ?? []));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.starts++;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    let listening: () => void = () => {};
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        this.lines.push(line);
        if (this.lines.length > LOG_LINES_KEPT) this.lines.shift();
        o.onLine?.(o.id, line);
        if (line.startsWith(`${o.id} listening on `)) listening();
        if (line.startsWith(`${o.id}: ken: ${o.id} recovered from records`)) this.recoveries++;
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const failed = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => reject(new Error(`${o.id} exited (${signal ?? code}) before listening:\n${this.lines.slice(-20).join('\n')}`)));
      timer = setTimeout(() => reject(new Error(`${o.id} did not listen within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS); // det-ok: a real clock for a real cluster
    });
    failed.catch(() => {});
    try {
      await Promise.race([ready, failed]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` and waits for the process to exit. */
  async kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill(signal);
    await this.exited;
  }
}

/** The nodes of one config, started together. */
export class LocalCluster {
  readonly nodes: NodeProcess[];

  constructor(
    config: string,
    ids: readonly string[],
    opts: { dataRoot?: string; onLine?: (id: string, line: string) => void; quickStart?: boolean; nodeArgs?: readonly string[]; runArgs?: readonly string[] } = {},
  ) {
    this.nodes = ids.map(
      (id) =>
        new NodeProcess({
          config,
          id,
          dataDir: opts.dataRoot === undefined ? undefined : path.join(opts.dataRoot, id),
          onLine: opts.onLine,
          quickStart: opts.quickStart,
          nodeArgs: opts.nodeArgs,
          runArgs: opts.runArgs,
        }),
    );
  }

  node(id: string): NodeProcess {
    const n = this.nodes.find((x) => x.options.id === id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  async start(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.start()));
  }

  /** SIGKILL, then start again over the same data directory. */
  async crashAndRestart(id: string): Promise<void> {
    const n = this.node(id);
    await n.kill('SIGKILL');
    await n.start();
  }

  /** SIGTERM to every node (graceful), waiting for all to exit. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill('SIGTERM')));
  }

  /** SIGKILL to every node: for cleanup after a failure. */
  async kill(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill('SIGKILL')));
  }
}

/** `count` ports that were free a moment ago, on 127.0.0.1. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/**
 * Writes a 3-node (or `ids.length`-node) primary-backup cluster config on loopback to
 * `dir/cluster.json`, with a fresh pre-shared key in `dir/cluster.key`. Returns its path.
 */
export function writeKvConfig(dir: string, ids: readonly string[], ports: readonly number[], key: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cluster.key'), `${key}\n`, { mode: 0o600 });
  const config = {
    nodes: ids.map((id, i) => ({ id, address: `127.0.0.1:${ports[i]}` })),
    protocol: { name: 'primary-backup', options: { founders: [...ids] } },
    security: { psk: 'cluster.key' },
  };
  const file = path.join(dir, 'cluster.json');
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}
