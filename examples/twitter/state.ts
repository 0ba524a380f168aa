import type { ClientId, NodeId, NodeInfo, RequestId, StackState } from '@faultline/runtime';
import type { Req as PbReq, State as PbState } from '../../packages/protocols/primary-backup/index.ts';
import { emptyLog, type GenLog } from './log.ts';
import type { Req, Res } from './messages.ts';

/** What a back-end call is for, so its answer can be understood. */
export type Purpose =
  | { readonly kind: 'probe'; readonly frontEnd: NodeId; readonly k: number }
  | { readonly kind: 'claim'; readonly k: number }
  | { readonly kind: 'read'; readonly frontEnd: NodeId; readonly k: number }
  | { readonly kind: 'write' };

/** A front end asking to be admitted, queued as a job: its answer is a `welcome` message, not a reply. */
export interface Admit {
  readonly type: 'admit';
  readonly node: NodeId;
}

/** The one back-end request a front end has in flight. */
export interface Call {
  readonly requestId: RequestId;
  readonly req: PbReq;
  readonly purpose: Purpose;
  target: NodeId;
  sentMs: number;
  sends: number;
}

/** A client request the front end is working on (one at a time) or has queued. */
export interface Job {
  readonly requestId: RequestId;
  readonly client: ClientId;
  readonly req: Req | Admit;
  /** post/follow/admit: added to the generation's log already. */
  applied: boolean;
  /** timeline: front ends whose newest generation has been probed for this request. */
  probed: NodeId[];
  /** timeline: generations still to read, as [front end, k]. */
  toRead: [NodeId, number][] | null;
  /** timeline: the log keys read for this request. */
  read: string[];
}

export interface FrontState {
  /** The front ends known: the founders, then those found in logs' members or learnt when joining. */
  frontEnds: NodeId[];
  backEnds: NodeId[];
  /** False until a front end that is not a founder has been admitted (`welcome`): until then it serves nothing. */
  joined: boolean;
  /** When this front end last asked to be admitted. */
  joinSentMs: number;
  /** This incarnation's client id at the back end: `<self>/<random>`, drawn at start. */
  pbClient: string;
  /** The generation number this incarnation claimed (0 while claiming). */
  gen: number;
  /** The back-end request number (primary-backup's per-client `seq`). */
  nextSeq: number;
  /** This generation's log, of which this node is the only writer. */
  log: GenLog;
  /** Per front end, how many generations are known to exist (they are numbered 1, 2, ... without gaps). */
  known: Record<NodeId, number>;
  /** The last value read of each generation's log, by log key. */
  logs: Record<string, GenLog>;
  job: Job | null;
  queue: Job[];
  call: Call | null;
  /** The back end believed to be primary. */
  target: NodeId;
  /** Recently answered client requests, so a retry is answered again, not redone. */
  done: { requestId: RequestId; result: Res }[];
}

/** A node's state: the front end's (upper layer) or the back end's (lower layer); the other is null. */
export type State = StackState<FrontState, PbState>;

/** A front end's state at start: `founder` unless it joins later, knowing the front ends of its `cluster`. */
export function frontState(node: NodeInfo, backEnds: readonly NodeId[], founder: boolean): FrontState {
  const frontEnds = [...node.cluster];
  return {
    frontEnds,
    backEnds: [...backEnds],
    joined: founder,
    joinSentMs: 0,
    pbClient: '',
    gen: 0,
    nextSeq: 0,
    log: emptyLog(),
    known: Object.fromEntries(frontEnds.map((f) => [f, 0])),
    logs: {},
    job: null,
    queue: [],
    call: null,
    target: backEnds[0]!,
    done: [],
  };
}
