import { isKenFrame } from '@faultline/ken-checkpoint';
import type { ChalkInstance } from 'chalk';
import type { FaultEvent, TraceRecord } from '@faultline/simulator';
import { showJson, simMs, truncate } from './format.ts';

/**
 * The readable trace: one line per trace record. Each line starts with the simulated time
 * (fixed decimals) and the event index, then places the record's text in a column: one
 * fixed-width column per node, in cluster order, after a first column for the clients
 * and for what belongs to no node (configuration, partitions, quiescence, violations).
 * Text may run on past its column; a line is cut at the width. Dim rules mark the
 * columns to the left of the text, so the eye can follow one node down the page.
 */

/** The lane of the first column. */
const CLIENTS = 'clients';
/** Room kept for text in the last column before the columns are narrowed. */
const MIN_TEXT = 40;
const MAX_COLUMN = 22;
const MIN_COLUMN = 6;

type Style = 'plain' | 'dim' | 'start' | 'net' | 'lost' | 'timer' | 'fault' | 'client' | 'done' | 'bad' | 'phase' | 'violation';

interface Placed {
  /** A node's id, or undefined for the first column. */
  readonly lane: string | undefined;
  readonly text: string;
  readonly style: Style;
}

export interface TraceLayout {
  readonly nodes: readonly string[];
  readonly width: number;
  readonly timeWidth: number;
  readonly indexWidth: number;
  readonly firstColumn: number;
  readonly column: number;
}

/** Column widths for `records` on a line of `width` characters (with a column for each of `only`, when given). */
export function layoutFor(records: readonly TraceRecord[], width: number, only?: readonly string[]): TraceLayout {
  const nodes = only === undefined ? nodesOf(records) : nodesOf(records).filter((n) => only.includes(n));
  const last = records[records.length - 1];
  const timeWidth = Math.max('time ms'.length, simMs(last?.t ?? 0).length);
  const indexWidth = Math.max(2, String(last?.i ?? 0).length + 1);
  const prefix = timeWidth + 1 + indexWidth + 2;
  const firstColumn = CLIENTS.length + 2;
  const room = width - prefix - firstColumn - MIN_TEXT;
  const column = Math.max(MIN_COLUMN, Math.min(MAX_COLUMN, nodes.length > 1 ? Math.floor(room / (nodes.length - 1)) : MAX_COLUMN));
  return { nodes, width, timeWidth, indexWidth, firstColumn, column };
}

/** The cluster's nodes: from the config record, or in order of appearance. */
function nodesOf(records: readonly TraceRecord[]): string[] {
  const config = records.find((r) => r.k === 'config');
  if (config?.k === 'config') return config.nodes.map((n) => n.id);
  const seen: string[] = [];
  for (const r of records) if ('node' in r && typeof r.node === 'string' && !seen.includes(r.node)) seen.push(r.node);
  return seen;
}

/** Formats a whole trace: a header line, then one line per record. */
export function formatTrace(records: readonly TraceRecord[], c: ChalkInstance, width: number): string[] {
  const layout = layoutFor(records, width);
  const f = new TraceFormatter(layout, c);
  return [f.header(), ...records.map((r) => f.line(r))];
}

export class TraceFormatter {
  /** Messages by id, from their send records, to show them again on delivery. */
  private readonly messages = new Map<number, unknown>();
  /** Client requests by id, from their invoke records. */
  private readonly requests = new Map<string, unknown>();
  private readonly laneIndex: Map<string, number>;
  /** The time of the last line: a line at the same time shows it dim, so lines group by time. */
  private lastMs: number | undefined;

  constructor(
    private readonly layout: TraceLayout,
    private readonly c: ChalkInstance,
  ) {
    this.laneIndex = new Map(layout.nodes.map((n, i) => [n, i + 1]));
  }

  header(): string {
    const { timeWidth, indexWidth, firstColumn, column, nodes, width } = this.layout;
    let s = `${'time ms'.padStart(timeWidth)} ${'#'.padStart(indexWidth)}  ${CLIENTS.padEnd(firstColumn)}`;
    let shown = s.length;
    nodes.forEach((n, k) => {
      const cell = k === nodes.length - 1 ? n : truncate(n, column - 1).padEnd(column);
      const room = Math.max(0, width - shown);
      s += this.nodeColour(n)(cell.slice(0, room));
      shown += Math.min(room, cell.length);
    });
    return this.c.bold(s);
  }

  line(r: TraceRecord): string {
    const { timeWidth, indexWidth, width } = this.layout;
    const placed = this.place(r);
    // A record on a node without a column (the trace shows only some nodes): in its receiver's column.
    const to = 'to' in r && typeof r.to === 'string' ? this.laneIndex.get(r.to) : undefined;
    const lane = placed.lane === undefined ? 0 : (this.laneIndex.get(placed.lane) ?? to ?? 0);
    const time = simMs(r.t).padStart(timeWidth);
    const prefix = `${time} ${String(r.i).padStart(indexWidth)}  `;
    const sameTime = this.lastMs === r.t;
    this.lastMs = r.t;
    let rules = '';
    for (let k = 0; k < lane; k++) rules += '┆'.padEnd(k === 0 ? this.layout.firstColumn : this.layout.column);
    const room = Math.max(12, width - prefix.length - rules.length);
    const text = truncate(placed.text, room);
    const stamp = sameTime ? this.c.dim(prefix) : `${time}${this.c.dim(prefix.slice(time.length))}`;
    const painted = placed.lane !== undefined && (placed.style === 'plain' || placed.style === 'net') ? this.nodeColour(placed.lane)(text) : this.paint(placed.style, text);
    return `${stamp}${this.c.dim(rules)}${painted}`.trimEnd();
  }

  /** Each node's colour (sends, receipts, requests and replies in its column, its name in the header). */
  private nodeColour(node: string): (text: string) => string {
    const c = this.c;
    const colours = [c.blue, c.green, c.magenta, c.cyan, c.yellow, c.blueBright, c.greenBright, c.magentaBright];
    const k = this.laneIndex.get(node);
    return k === undefined ? (t) => t : colours[(k - 1) % colours.length]!;
  }

  /** A record's text alone, as `line` shows it (uncoloured, uncut). */
  text(r: TraceRecord): string {
    return this.place(r).text;
  }

  private paint(style: Style, text: string): string {
    const c = this.c;
    switch (style) {
      case 'plain':
        return text;
      case 'dim':
        return c.dim(text);
      case 'start':
        return c.green(text);
      case 'net':
        return c.blue(text);
      case 'lost':
        return c.yellow(text);
      case 'timer':
        return c.magenta(text);
      case 'fault':
        return c.red.bold(text);
      case 'client':
        return c.cyan.bold(text);
      case 'done':
        return c.green.bold(text);
      case 'bad':
        return c.red(text);
      case 'phase':
        return c.cyan(text);
      case 'violation':
        return c.bgRed.white.bold(text);
    }
  }

  private place(r: TraceRecord): Placed {
    const node = (id: string): string | undefined => (this.laneIndex.has(id) ? id : undefined);
    switch (r.k) {
      case 'config': {
        const faults = r.faults.length ? r.faults.join(',') : 'none';
        const bug = r.bug !== null ? ` bug ${r.bug}` : '';
        const ken = r.ken === undefined ? '' : `; ken (${r.ken.groupCommit ? 'group commit' : 'one fsync per turn'}, fsync ${r.ken.fsyncMsMin}-${r.ken.fsyncMsMax} ms)`;
        return {
          lane: undefined,
          text: `config ${r.protocol} seed ${r.seed}${bug}: nodes ${r.nodes.map((n) => n.id).join(',')}; faults ${faults}; ${r.plan.length} planned fault events${ken}`,
          style: 'dim',
        };
      }
      case 'start':
        return { lane: r.node, text: r.incarnation > 1 ? `start (restart, incarnation ${r.incarnation})` : 'start', style: 'start' };
      case 'send':
        this.messages.set(r.m, r.msg);
        return { lane: r.node, text: `send ${r.node} -> ${r.to} #${r.m} ${messageJson(r.msg)}`, style: 'plain' };
      case 'deliver':
        return { lane: r.to, text: `recv ${r.from} -> ${r.to} #${r.m} ${this.messageText(r.m)}`, style: 'net' };
      case 'drop': {
        const lane = r.reason === 'down' ? (node(r.to) ?? node(r.from)) : (node(r.from) ?? node(r.to));
        return { lane, text: `drop ${r.from} -> ${r.to} #${r.m} (${r.reason === 'down' ? 'receiver down' : r.reason})`, style: 'lost' };
      }
      case 'dup':
        return { lane: node(r.from) ?? node(r.to), text: `dup ${r.from} -> ${r.to} #${r.m}`, style: 'lost' };
      case 'timer':
        return { lane: r.node, text: `timer ${r.tag}`, style: 'timer' };
      case 'state':
        return { lane: r.node, text: r.state === undefined ? 'state changed' : `state ${showJson(r.state)}`, style: 'dim' };
      case 'fault':
        return this.fault(r.fault);
      case 'invoke':
        this.requests.set(r.id, r.req);
        return { lane: undefined, text: `${r.client} invoke ${r.id} ${showJson(r.req)}`, style: 'client' };
      case 'attempt':
        return { lane: undefined, text: `${r.client} -> ${r.node} ${r.id} try ${r.attempt} #${r.m}`, style: 'dim' };
      case 'request':
        return { lane: r.node, text: `request ${r.id} from ${r.client} #${r.m} ${this.requestText(r.id)}`, style: 'net' };
      case 'reply':
        return { lane: r.node, text: `reply ${r.id} -> ${r.client} #${r.m} ${showJson(r.result)}`, style: 'plain' };
      case 'redirect':
        return { lane: r.node, text: `redirect ${r.id} -> ${r.to} #${r.m}`, style: 'plain' };
      case 'complete':
        return { lane: undefined, text: `${r.client} complete ${r.id} = ${showJson(r.result)} (from ${r.node})`, style: 'done' };
      case 'stale-reply':
        return { lane: undefined, text: `${r.client} stale reply ${r.id} from ${r.node} #${r.m}`, style: 'dim' };
      case 'timeout':
        return { lane: undefined, text: `${r.client} timeout ${r.id} (attempt ${r.attempt})`, style: 'lost' };
      case 'give-up':
        return { lane: undefined, text: `${r.client} give up ${r.id}`, style: 'bad' };
      case 'log':
        return { lane: r.node, text: `log ${r.text}`, style: 'dim' };
      case 'durable':
        return { lane: r.node, text: `fsync: records up to ${r.upTo} durable`, style: 'dim' };
      case 'quiesce':
        return { lane: undefined, text: '-- quiesce: faults healed, workload stopped --', style: 'phase' };
      case 'violation':
        return { lane: undefined, text: `VIOLATION ${r.property}: ${r.message}`, style: 'violation' };
      default: {
        // A record kind newer than this formatter: show it raw rather than fail.
        const { i: _i, t: _t, k, ...rest } = r as { i: number; t: number; k: string } & Record<string, unknown>;
        const lane = typeof rest.node === 'string' ? node(rest.node) : undefined;
        return { lane, text: `${k} ${showJson(rest)}`, style: 'plain' };
      }
    }
  }

  private fault(f: FaultEvent): Placed {
    switch (f.kind) {
      case 'crash':
        return { lane: f.node, text: `FAULT crash ${f.node}${f.tear === true ? ' (tearing the write in progress)' : ''}`, style: 'fault' };
      case 'restart':
      case 'pause':
      case 'resume':
        return { lane: f.node, text: `FAULT ${f.kind} ${f.node}`, style: 'fault' };
      case 'skew': {
        const sign = (n: number) => (n >= 0 ? `+${n}` : String(n));
        return { lane: f.node, text: `FAULT skew ${f.node}: clock ${sign(f.offsetMs)} ms, drift ${sign(f.driftPpm)} ppm`, style: 'fault' };
      }
      case 'partition':
        return { lane: undefined, text: `FAULT partition ${f.groups.map((g) => g.join(',')).join(' | ')}`, style: 'fault' };
      case 'oneway':
        return { lane: undefined, text: `FAULT one-way cut ${f.from.join(',')} -/-> ${f.to.join(',')}`, style: 'fault' };
      case 'heal':
        return { lane: undefined, text: 'FAULT heal (partitions end)', style: 'fault' };
      default:
        return { lane: undefined, text: `FAULT ${showJson(f)}`, style: 'fault' };
    }
  }

  private messageText(m: number): string {
    return this.messages.has(m) ? messageJson(this.messages.get(m)) : '';
  }

  private requestText(id: string): string {
    return this.requests.has(id) ? showJson(this.requests.get(id)) : '';
  }
}

/**
 * A message as the trace shows it: the protocol's own message first, then Ken's framing
 * (`{"type":"fwd",...} [ken seq 4 ack 2]`), so a cut line or a grep shows what the
 * application sent rather than the frame around it.
 */
export function messageJson(msg: unknown): string {
  if (!isKenFrame(msg)) return showJson(msg);
  if (msg.ken === 'ack') return `[ken ack ${msg.ack}]`;
  return `${showJson(msg.msg)} [ken seq ${msg.seq} ack ${msg.ack}]`;
}
