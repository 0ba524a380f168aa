import type { CampaignFailure, OutboxPeak } from '@faultline/simulator';
import type { Flags } from './args.ts';
import type { RUN_FLAGS } from './run-setup.ts';

/**
 * What a campaign worker needs to rebuild a run by itself: protocol definitions hold
 * functions, which cannot cross to a worker thread, so a worker loads the protocol and
 * scenario again from what the command line gave, through the same `setUpRun`.
 */
export interface WorkerRunSpec {
  /** The `<protocol>` argument as given: a built-in name or a path. */
  readonly protocolArg: string;
  /** What relative paths (protocol, scenario) are resolved against. */
  readonly cwd: string;
  /** The run flags as parsed: bug, faults, duration, scenario, Ken. */
  readonly flags: Flags<typeof RUN_FLAGS>;
  /**
   * A module (URL or package name) whose `protocols` export is the built-ins, when they
   * are not the registry's (`Io.protocolsModule`).
   */
  readonly protocolsModule?: string;
  /** Stop a chunk at its first failing seed. */
  readonly failFast: boolean;
}

/** From the main thread to a worker: run seeds `first`, `first + 1`, ... `first + count - 1`. */
export interface ChunkMessage {
  readonly type: 'chunk';
  readonly first: number;
  readonly count: number;
}

/** From a worker to the main thread. */
export type WorkerMessage =
  /** The run is set up; chunks may come. */
  | { readonly type: 'ready'; readonly protocol: string }
  /** One seed's outcome, with its failure confirmed by a hashed replay. */
  | {
      readonly type: 'seed';
      readonly seed: number;
      readonly events: number;
      readonly simulatedMs: number;
      readonly failure?: CampaignFailure;
      readonly kenOutboxPeak?: OutboxPeak;
    }
  /** Every seed of the chunk is reported (or, with fail-fast, it stopped at a failure). */
  | { readonly type: 'chunk-done' }
  /** Setting up or running failed; the worker does nothing more. */
  | { readonly type: 'error'; readonly phase: 'setup' | 'run'; readonly message: string; readonly stack?: string };
