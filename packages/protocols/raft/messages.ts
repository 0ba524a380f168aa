import type { ClientId, RequestId } from '@faultline/runtime';

/**
 * Client requests. `seq` is the client's own request number (0, 1, 2, ...), kept across
 * retries: the state machine remembers each client's last applied `seq` and its result
 * (a session), so a request that reaches the log twice is applied once and both copies
 * are answered with the same result.
 */
export type Req =
  | { readonly type: 'put'; readonly key: string; readonly value: string; readonly seq: number }
  | { readonly type: 'get'; readonly key: string; readonly seq: number }
  | { readonly type: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string; readonly seq: number };

export type Res =
  | { readonly type: 'put-ok' }
  | { readonly type: 'get-ok'; readonly value: string | null }
  | { readonly type: 'cas-ok' }
  | { readonly type: 'cas-fail' };

/** What a log entry asks the state machine to do: nothing (a new leader's first entry), or a client's request. */
export type Command =
  | { readonly kind: 'noop' }
  | { readonly kind: 'client'; readonly client: ClientId; readonly requestId: RequestId; readonly req: Req };

/** One log entry; its index is its position in the log, from 1. */
export interface Entry {
  /** The term of the leader that created it. */
  readonly term: number;
  readonly cmd: Command;
}

/**
 * The state machine after the entries 1..`index` (the last of term `term`), which it
 * replaces in the log. `digest` names those entries (the chained hashes of their keys,
 * `chain` in log.ts), so that compacted prefixes can still be compared.
 */
export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly digest: number;
  readonly kv: Readonly<Record<string, string>>;
  readonly sessions: Readonly<Record<ClientId, { readonly seq: number; readonly result: Res }>>;
}

export type Msg =
  /** A candidate asks for a vote; `lastIndex`/`lastTerm` describe its log, for the up-to-date check. */
  | { readonly type: 'RequestVote'; readonly term: number; readonly lastIndex: number; readonly lastTerm: number }
  | { readonly type: 'Vote'; readonly term: number; readonly granted: boolean }
  /** Entries after `prevIndex` (whose term is `prevTerm`); none: a heartbeat. */
  | {
      readonly type: 'AppendEntries';
      readonly term: number;
      readonly prevIndex: number;
      readonly prevTerm: number;
      readonly entries: readonly Entry[];
      readonly leaderCommit: number;
    }
  /**
   * The follower's answer. On success `matchIndex` is the last index it now shares with
   * the leader; on failure `hint` is where the leader should try next.
   */
  | { readonly type: 'AppendResult'; readonly term: number; readonly success: boolean; readonly matchIndex: number; readonly hint: number }
  /** The leader's snapshot, to a follower that lacks entries the leader has compacted away; answered with an AppendResult. */
  | { readonly type: 'InstallSnapshot'; readonly term: number; readonly snapshot: Snapshot; readonly leaderCommit: number };

export type MsgType = Msg['type'];

export type Timer = 'election' | 'heartbeat';
