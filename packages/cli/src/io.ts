import { Chalk, type ChalkInstance } from 'chalk';
import type { ProtocolDefinition } from '@faultline/runtime';

/** Where the command writes, and what it may know about its surroundings. */
export interface Io {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  /** stderr is a terminal: draw the progress bar there. */
  readonly isTTY: boolean;
  /** Colour the human-readable output (default: `isTTY`, unless NO_COLOR is set). */
  readonly color?: boolean;
  /**
   * The terminal's width, when stdout is one: the progress bar's width (default 120; at
   * least 40) and where trace lines are cut. Piped output (no `columns`) is for reading
   * and grepping: trace lines are printed whole unless `COLUMNS` or `--width` says a width.
   */
  readonly columns?: number;
  /** Directory that relative paths are resolved against (default: the process's). */
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A wall clock in ms, for the progress bar and wall time (default `performance.now`). */
  readonly now?: () => number;
  /** The built-in protocols (default: the `@faultline/protocols` registry). */
  readonly protocols?: readonly ProtocolDefinition[];
  /**
   * Where worker threads load `protocols` from: a module URL or package name whose
   * `protocols` export they are (needed with `protocols` when seeds run on workers).
   */
  readonly protocolsModule?: string;
  /** `test`'s worker threads when `--workers` is not given (default: one per core). */
  readonly workers?: number;
  /** Where `test` writes shrunk schedules when `--schedules-dir` is not given (default: ./faultline-schedules). */
  readonly schedulesDir?: string;
}

/** An `Io` with every default filled in, plus the colour functions. */
export interface Output {
  readonly io: Io;
  readonly isTTY: boolean;
  readonly columns: number;
  /** Where trace lines are cut: `COLUMNS`, else the terminal's width, else never (Infinity). */
  readonly traceWidth: number;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
  /** Colours for stdout (level 0 when colour is off). */
  readonly c: ChalkInstance;
  /** Colours for the progress bar on stderr. */
  readonly cErr: ChalkInstance;
  /** Writes one or more lines to stdout. */
  out(...lines: string[]): void;
  /** Writes one or more lines to stderr. */
  err(...lines: string[]): void;
}

export const DEFAULT_COLUMNS = 120;

export function makeOutput(io: Io): Output {
  const env = io.env ?? process.env;
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const color = io.color ?? (io.isTTY && !noColor);
  const c = new Chalk({ level: color ? 1 : 0 });
  const cErr = new Chalk({ level: io.isTTY && !noColor ? 1 : 0 });
  const now = io.now ?? (() => performance.now());
  return {
    io,
    isTTY: io.isTTY,
    columns: io.columns !== undefined && io.columns > 0 ? Math.max(40, io.columns) : DEFAULT_COLUMNS,
    traceWidth: traceWidth(env.COLUMNS, io.columns),
    cwd: io.cwd ?? process.cwd(),
    env,
    now,
    c,
    cErr,
    out: (...lines) => void io.stdout.write(lines.map((l) => `${l}\n`).join('')),
    err: (...lines) => void io.stderr.write(lines.map((l) => `${l}\n`).join('')),
  };
}

/** `COLUMNS` when it is a positive integer, else the terminal's width, else no cut. */
function traceWidth(columnsEnv: string | undefined, terminal: number | undefined): number {
  const fromEnv = columnsEnv !== undefined && /^\d+$/.test(columnsEnv.trim()) ? Number(columnsEnv) : 0;
  if (fromEnv > 0) return Math.max(40, fromEnv);
  if (terminal !== undefined && terminal > 0) return Math.max(40, terminal);
  return Number.POSITIVE_INFINITY;
}
