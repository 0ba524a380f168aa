import { UsageError } from './errors.ts';
import { shardRange } from './shard.ts';
import { reportedMs, type FailureReport, type ShardInfo, type TestReport } from './test-report.ts';

/** One `faultline test --shard i/n --json` output, with the name it is reported by. */
export interface NamedReport {
  readonly name: string;
  readonly report: unknown;
}

type ShardReport = TestReport & { readonly shard: ShardInfo };

/**
 * Combines the reports of the shards of one campaign into the report a single run of
 * the whole campaign would have printed: failures in seed order, events and simulated
 * time summed, `seedsRun` over the shards run. With fail-fast, as one run would, it stops
 * at the first shard (in seed order) that failed. Throws `UsageError` unless the inputs
 * are shards of one campaign (the same protocol, bug, faults, range, shard count and
 * fail-fast) that tile its range, each exactly once.
 */
export function mergeReports(inputs: readonly NamedReport[]): TestReport {
  if (inputs.length === 0) throw new UsageError('faultline merge: no inputs');
  const shards = inputs.map(({ name, report }) => ({ name, report: checkShape(name, report) }));
  const first = shards[0]!;
  const campaign = first.report.shard;
  for (const { name, report } of shards.slice(1)) {
    const differs = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b))
        throw new UsageError(`faultline merge: ${name} is not a shard of the same campaign as ${first.name}: ${what} ${JSON.stringify(b)} vs ${JSON.stringify(a)}`);
    };
    differs('protocol', first.report.protocol, report.protocol);
    differs('bug', first.report.bug, report.bug);
    differs('faults', first.report.faults, report.faults);
    differs('seed range', rangeOf(campaign), rangeOf(report.shard));
    differs('shard count', campaign.count, report.shard.count);
    differs('fail-fast', campaign.failFast, report.shard.failFast);
  }
  const byIndex = new Map<number, (typeof shards)[number]>();
  for (const s of shards) {
    const { index, count } = s.report.shard;
    const other = byIndex.get(index);
    if (other) throw new UsageError(`faultline merge: ${other.name} and ${s.name} are both shard ${index}/${count}: their seeds overlap`);
    const expected = shardRange(s.report.shard, Number(campaign.firstSeed), campaign.seeds);
    if (Number(s.report.firstSeed) !== expected.firstSeed || s.report.seeds !== expected.seeds)
      throw new UsageError(
        `faultline merge: ${s.name} says it is shard ${index}/${count} of seeds ${rangeOf(campaign)} but ran ${rangeOf(s.report)}, not ${rangeOf(expected)}`,
      );
    byIndex.set(index, s);
  }
  const missing = [...Array(campaign.count).keys()].map((k) => k + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new UsageError(`faultline merge: missing shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${campaign.count}`).join(', ')} of seeds ${rangeOf(campaign)}`);

  let seedsRun = 0;
  let events = 0;
  let simulatedMs = 0;
  let wallMs = 0;
  let shrinkMs = 0;
  const warnings: string[] = [];
  const failures: FailureReport[] = [];
  for (let i = 1; i <= campaign.count; i++) {
    const r = byIndex.get(i)!.report;
    seedsRun += r.seedsRun;
    events += r.events;
    simulatedMs += r.simulatedMs;
    wallMs += r.wallMs;
    shrinkMs += r.shrinkMs ?? 0; // absent in the reports of older versions
    warnings.push(...(r.warnings ?? []));
    failures.push(...r.failures);
    if (campaign.failFast && r.failures.length > 0) break;
  }
  return {
    ok: failures.length === 0,
    protocol: first.report.protocol,
    bug: first.report.bug,
    faults: first.report.faults,
    firstSeed: campaign.firstSeed,
    seeds: campaign.seeds,
    seedsRun,
    events,
    simulatedMs: reportedMs(simulatedMs),
    wallMs,
    shrinkMs,
    ...(warnings.length > 0 ? { warnings } : {}),
    failures,
  };
}

function rangeOf(r: { readonly firstSeed: string | number; readonly seeds: number }): string {
  return `${r.firstSeed}..${Number(r.firstSeed) + r.seeds - 1}`;
}

/** The report, if it has every field a shard's report has; a `UsageError` naming the first that is wrong. */
function checkShape(name: string, report: unknown): ShardReport {
  const bad = (what: string) => new UsageError(`faultline merge: ${name} is not the output of 'faultline test --shard i/n --json': ${what}`);
  if (typeof report !== 'object' || report === null || Array.isArray(report)) throw bad('not a JSON object');
  const r = report as Record<string, unknown>;
  const isInt = (v: unknown) => Number.isSafeInteger(v);
  const isCount = (v: unknown) => isInt(v) && (v as number) >= 0;
  const isIntText = (v: unknown) => typeof v === 'string' && /^-?\d+$/.test(v) && Number.isSafeInteger(Number(v));
  const checks: [string, boolean][] = [
    ['ok', typeof r.ok === 'boolean'],
    ['protocol', typeof r.protocol === 'string'],
    ['bug', r.bug === null || typeof r.bug === 'string'],
    ['faults', Array.isArray(r.faults) && r.faults.every((f) => typeof f === 'string')],
    ['firstSeed', isIntText(r.firstSeed)],
    ['seeds', isCount(r.seeds)],
    ['seedsRun', isCount(r.seedsRun) && (r.seedsRun as number) <= (r.seeds as number)],
    ['events', isCount(r.events)],
    ['simulatedMs', typeof r.simulatedMs === 'number' && Number.isFinite(r.simulatedMs)],
    ['wallMs', typeof r.wallMs === 'number' && Number.isFinite(r.wallMs)],
    ['failures', Array.isArray(r.failures) && r.failures.every((f) => typeof f === 'object' && f !== null && typeof (f as FailureReport).seed === 'string')],
  ];
  for (const [field, ok] of checks) if (!ok) throw bad(r[field] === undefined ? `no '${field}'` : `bad '${field}'`);
  if (r.shard === undefined) throw bad("no 'shard' (it was run without --shard)");
  const s = r.shard as Record<string, unknown>;
  const shardOk =
    typeof s === 'object' && s !== null && isInt(s.index) && isInt(s.count) && (s.index as number) >= 1 && (s.index as number) <= (s.count as number) &&
    isIntText(s.firstSeed) && isCount(s.seeds) && typeof s.failFast === 'boolean';
  if (!shardOk) throw bad("bad 'shard'");
  return report as ShardReport;
}
