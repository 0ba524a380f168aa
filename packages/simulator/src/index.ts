export { simulate, Simulation, type SimResult, type SimStats, type KenReport } from './simulation.ts';
export type { KenSimConfig, KenCrashPoint } from './ken-config.ts';
export { TransparencyChecker } from './ken-transparency.ts';
export {
  campaign,
  defaultReplayCommand,
  largerOutboxPeak,
  outboxPeakOf,
  type OutboxPeak,
  type CampaignOptions,
  type CampaignResult,
  type CampaignFailure,
  type CampaignProgress,
} from './campaign.ts';
export { resolveConfig, networkFor, type Scenario, type SimOptions, type WorkloadOverrides, type TraceMode, type ResolvedConfig } from './scenario.ts';
export { ConfigError } from './config-error.ts';
export { DEFAULT_NETWORK, Network, type NetworkConfig } from './network.ts';
export { DEFAULT_FAULT_RATES, generateFaultPlan, planProblems, type FaultEvent, type FaultRates } from './fault-plan.ts';
export type { TraceRecord, TraceKind, Violation } from './trace.ts';
export { isReceive, isSend, laneOf } from './trace-lanes.ts';
export { happenedBefore, vectorClocks, type VectorClock } from './vector-clocks.ts';
export { causalSlice, type CausalSlice } from './causal-slice.ts';
export { DeterminismError, withDeterminismGuard } from './guard.ts';
export { EventHeap } from './heap.ts';
export { Rng } from './rng.ts';
export { TraceHasher } from './hash.ts';
export { checkLinearizability, type LinearizabilityOptions, type LinearizabilityResult } from './checkers/linearizability.ts';
export { linearizable, type LinearizablePropertyOptions } from './checkers/linearizable-property.ts';
export { deepEqual, describeJson, type Model } from './checkers/model.ts';
export { kvModel, type KvReq, type KvRes, type KvState } from './checkers/kv-model.ts';
export { randomKvHistory, type KvHistoryOptions } from './checkers/kv-history.ts';
export { randomCasHistory, type CasHistoryOptions } from './checkers/cas-history.ts';
export { checkSequential, type SequentialOptions, type SequentialResult } from './checkers/sequential.ts';
export { sequentiallyConsistent, sequentiallyConsistentPerKey, type SequentialPropertyOptions } from './checkers/sequential-property.ts';
export { checkSequentialPerKey } from './checkers/sequential-per-key.ts';
export { collectionModel, type CollectionReq, type CollectionRes, type CollectionState } from './checkers/collection-model.ts';
export { checkCausal, type CausalResult, type CausalAnomaly } from './checkers/causal.ts';
export { causallyConsistent, type CausalPropertyOptions } from './checkers/causal-property.ts';
export { consistencyProperty, protocolProperties } from './checkers/consistency-property.ts';
export { restartSessions } from '@faultline/runtime';
export { shrink, type ShrinkOptions, type ShrinkProgress, type ShrinkResult, type RunSize } from './shrink.ts';
export { SCHEDULE_VERSION, choicesProblems, scheduleOptions, scheduleProblems, type Schedule } from './schedule.ts';
export { Choices, ChoiceOverrun, MAX_DEFAULT_DRAWS_PER_EVENT, type ChoiceSequence } from './choices.ts';
export { faultUnits } from './fault-units.ts';
export { DEFAULT_PCT_DEPTH, STRATEGIES, resolveStrategy, type StrategyOptions, type PctOptions, type ResolvedStrategy } from './explore/strategy.ts';
export { PctQueue, type EventQueue, type PctEventClass, type PctQueueOptions } from './explore/pct-queue.ts';
export { check, statesAlong, type CheckOptions, type CheckResult, type CheckProgress, type CheckViolation, type LivenessFailure, type Choice } from './explore/check.ts';
export { CheckModel, DEFAULT_CHECK_REQUESTS, type ModelOptions, type ModelState, type Action } from './explore/check-model.ts';
export { PathMonitor } from './explore/path-monitor.ts';
export { searchShard } from './explore/check.ts';
export { searchHash } from './explore/search-hash.ts';
export { searchRoots } from './explore/warm-start.ts';
export { serveShard, sharedFlow, type FromShard, type ToShard } from './explore/shard-link.ts';
export { checkWithShards, type ShardLink } from './explore/parallel-check.ts';
export type { CriticalTransition } from './explore/critical.ts';
export { loadScenario, scenarioProblems, readJsonFile } from './inputs/scenario-file.ts';
export { importUserModule } from './inputs/user-module.ts';
export { missingPackages } from './inputs/load-error.ts';
export { replayCommand, shellQuote, splitCommand, type RunInputs } from './inputs/replay-command.ts';
export { parseFaultList, formatFaultList } from './inputs/fault-list.ts';
export { closest } from './inputs/closest.ts';
export { errorMessage } from './inputs/error-message.ts';
export { LINEARIZABLE_WORDING, explainViolation, msWindow, type ViolationWording } from './checkers/explain.ts';
export { SEQUENTIAL_WORDING } from './checkers/sequential.ts';
export { appendModel, type AppendReq, type AppendRes, type AppendState, type MicroOp } from './checkers/list-append-model.ts';
export { setModel, type SetReq, type SetRes, type SetState } from './checkers/set-model.ts';
export { queueModel, type QueueReq, type QueueRes, type QueueState } from './checkers/queue-model.ts';
export { randomModelHistory, type ModelHistoryOptions } from './checkers/model-history.ts';
