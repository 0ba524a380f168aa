export type { NodeId, ClientId, RequestId } from './ids.ts';
export type { Effect, EffectKind } from './effects.ts';
export type { ServiceEvent, ServiceEventKind } from './events.ts';
export type { Context } from './context.ts';
export { Service, type AnyService, type NodeInfo } from './service.ts';
export { TurnExecutor, HandlerError, handlerName, type TurnHost, type TurnResult } from './turn.ts';
export { immerProduction, readableImmerError } from './immer.ts';
export { acknowledged, restartSessions, type Operation, type History } from './history.ts';
export {
  always,
  alwaysWithMemory,
  eventually,
  liveStates,
  converges,
  type Property,
  type PropertyMonitor,
  type PropertyOptions,
  type PropertyResult,
  type SystemView,
  type NodeView,
} from './properties.ts';
export { FAULT_KINDS, FAULT_DESCRIPTIONS, isFaultKind, type FaultKind } from './faults.ts';
export { nodeIds, type NodeSpec } from './cluster.ts';
export type { WorkloadSpec, WorkloadRandom } from './workload.ts';
export { NO_WORKLOAD, workloadProblems } from './workload.ts';
export {
  defineProtocol,
  protocolProblems,
  CONSISTENCY_LEVELS,
  CONSISTENCY_MODELS,
  type ConsistencyModel,
  type ProtocolDefinition,
  type BugVariant,
  type CreateOptions,
  type ShrinkableOption,
  type ConsistencySpec,
  type ConsistencyLevel,
} from './protocol.ts';
export { fnv1a } from './hash.ts';
export { canonicalJson } from './canonical.ts';
export { Upper, type UpperContext, type Answer } from './layers.ts';
export { stack, Stack, MAX_LOCAL_STEPS, type StackOptions, type StackState, type StackMsg, type StackTimer } from './stack.ts';
