import type { FaultKind, Operation, ProtocolDefinition } from '@faultline/runtime';

/**
 * The untimed model that `check` searches. A state is every node (up or down, its
 * protocol state, its armed timers), the messages and client requests in flight, and the
 * client history. There is no clock: any enabled action may happen next. Actions are
 * deliveries (on a FIFO link only the oldest message, unless the fault model has
 * `reorder`), timer firings, client requests reaching their node, and, within the fault
 * model, drops, duplicates, crashes (at most `maxFaultyNodes` down at once) and restarts.
 * States are values: `apply` returns a new one and never changes its input.
 */
export interface ModelNode {
  readonly id: string;
  readonly started: boolean;
  readonly up: boolean;
  readonly state: unknown;
  /** Armed timers, sorted by tag, with the logical time each is due. */
  readonly timers: readonly ArmedTimer[];
}

export interface ArmedTimer {
  readonly tag: string;
  readonly dueMs: number;
}

export interface InFlight {
  readonly from: string;
  readonly to: string;
  readonly msg: unknown;
  /** A copy made by a duplicate action (it is not duplicated again). */
  readonly copy: boolean;
}

export interface ClientRequest {
  readonly op: string;
  readonly client: string;
  readonly node: string;
  readonly req: unknown;
  readonly redirects: number;
}

export interface Response {
  readonly op: string;
  readonly node: string;
  readonly result: unknown;
}

export interface ModelState {
  readonly nodes: readonly ModelNode[];
  readonly msgs: readonly InFlight[];
  readonly reqs: readonly ClientRequest[];
  /** Replies on their way to clients: the client may time out (and retry) before one arrives. */
  readonly resps: readonly Response[];
  readonly ops: readonly Operation[];
  /** Actions taken from the initial state. */
  readonly step: number;
  /**
   * The logical clock the nodes read: a delivery advances it by 1 ms (by nothing in the
   * timed model), a timer firing to at least its due time, so a handler sees its timer's
   * delay as elapsed. It is not part of the state's hash (see `hash`); in the timed model
   * the timers' leads over it are.
   */
  readonly clockMs: number;
}

export type Action =
  | { readonly k: 'deliver' | 'drop' | 'duplicate'; readonly i: number }
  | { readonly k: 'request' | 'lose-request'; readonly i: number }
  /** A client whose request is neither answered nor in flight times out and sends it again. */
  | { readonly k: 'retry'; readonly op: number }
  | { readonly k: 'respond' | 'lose-response'; readonly i: number }
  | { readonly k: 'timer'; readonly node: number; readonly tag: string }
  | { readonly k: 'crash' | 'restart' | 'join'; readonly node: number };

export interface StepResult {
  readonly state: ModelState;
  /** A handler threw or produced an invalid effect. */
  readonly error: { property: string; message: string } | undefined;
}

export interface ModelOptions {
  readonly protocol: ProtocolDefinition;
  readonly bug?: string;
  /** Fault kinds (default: the protocol's). Crashes are left out for protocols that rely on Ken. */
  readonly faults?: readonly FaultKind[];
  /** Client requests in flight at the start, each from its own client (default 2; at most the workload's clients). */
  readonly requests?: number;
  /** Seeds the workload's draws and the nodes' random streams. */
  readonly seed?: string;
  /**
   * Timers fire in the order they are due, by one logical clock that only timers advance
   * (messages take no time): a state's hash then includes how far ahead each timer is due.
   * Without it (the default) any armed timer may fire next, which suits protocols whose
   * timers only retry, but lets a failure detector suspect a node that has had no chance
   * to run, and makes bugs that need many ticks deep.
   */
  readonly timed?: boolean;
  /** With `timed`: a timer may also fire when it is due at most this much later than the earliest (clocks that drift apart); default 0. */
  readonly skewMs?: number;
}
