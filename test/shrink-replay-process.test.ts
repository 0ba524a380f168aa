import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { campaign, scheduleProblems, shrink } from '@faultline/simulator';
import { findProtocol } from '@faultline/protocols';

const script = fileURLToPath(new URL('./fixtures/replay-schedule.ts', import.meta.url));

describe('a shrunk schedule replays in a fresh process', () => {
  it('to the same trace hash, failing the same property (choices and all)', () => {
    const protocol = findProtocol('group-communication')!;
    const bug = 'sequencer-skips-safe-check';
    const failure = campaign({ protocol, bug, seeds: 50, failFast: true }).failures[0]!;
    // A run budget, no wall clock: the same shrunk run on every machine.
    const s = shrink({ protocol, bug, seed: Number(failure.seed) }, failure, { maxRuns: 150 });
    expect(s.schedule.version).toBe(2);
    expect(Object.keys(s.schedule.choices ?? {}).length).toBeGreaterThan(0);
    expect(s.shrunk.events).toBeLessThan(s.original.events);
    const file = join(mkdtempSync(join(tmpdir(), 'faultline-schedule-')), 'schedule.json');
    writeFileSync(file, JSON.stringify(s.schedule, null, 2));
    const r = spawnSync(process.execPath, ['--conditions=@faultline/source', '--import', 'tsx', script, file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const replayed = JSON.parse(r.stdout) as { traceHash: string; property: string; events: number };
    expect(replayed).toEqual({ traceHash: s.traceHash, property: failure.property, events: s.shrunk.events });
    expect(scheduleProblems(JSON.parse(JSON.stringify(s.schedule)))).toEqual([]);
  });
});
