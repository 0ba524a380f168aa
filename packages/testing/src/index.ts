export { simTest, userFrames } from './sim-test.ts';
export { runSimTest, assertSimTest, SimTestError, type SimTestOptions, type SimCheck, type SimTestReport, type SimTestFailure } from './run-sim-test.ts';
export {
  arbFaultPlan,
  arbWorkload,
  arbScenario,
  PLAN_FAULT_KINDS,
  type PlanFaultKind,
  type FaultPlanArbOptions,
  type WorkloadArbOptions,
  type WorkloadOverrides,
  type ScenarioArbOptions,
} from './arbitraries.ts';
