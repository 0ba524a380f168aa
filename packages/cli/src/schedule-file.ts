import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { scheduleProblems, type Schedule } from '@faultline/simulator';
import { UsageError, errorMessage } from './errors.ts';
import { readJsonFile, scenarioProblems } from '@faultline/simulator';

/** The default directory `faultline test` writes shrunk schedules to. */
export const DEFAULT_SCHEDULES_DIR = 'faultline-schedules';

/** Reads `--schedule FILE`: one clear `UsageError` line for a missing, malformed or misshapen file. */
export function loadSchedule(path: string, cwd: string): Schedule {
  const value = readJsonFile(path, cwd, 'schedule');
  const problems = scheduleProblems(value);
  if (problems.length === 0) problems.push(...scenarioProblems((value as Schedule).scenario).map((p) => `scenario: ${p}`));
  if (problems.length > 0) throw new UsageError(`schedule ${path}: ${problems.join('; ')}`);
  return value as Schedule;
}

/** Writes `schedule` as `<dir>/<protocol>-seed<S>.json`; returns that path (relative when `dir` is). */
export function writeSchedule(dir: string, schedule: Schedule, cwd: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  const path = join(dir, `${safe(schedule.protocol)}-seed${safe(String(schedule.seed))}.json`);
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  try {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, JSON.stringify(schedule, null, 2) + '\n');
  } catch (err) {
    throw new UsageError(`cannot write schedule ${path}: ${errorMessage(err)}`);
  }
  return path;
}
