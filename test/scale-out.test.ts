/**
 * The scale-out files users copy (docs/scale-out/): they parse, and every faultline
 * command in them is one the CLI accepts (real commands, real flags, valid values), with
 * as many shards as the file runs jobs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { parseArgs } from '@faultline/cli';
import { MERGE } from '../packages/cli/src/commands/merge.ts';
import { TEST } from '../packages/cli/src/commands/test.ts';

const DIR = join(import.meta.dirname, '..', 'docs', 'scale-out');

/** The words of the `faultline` command in a shell line, with the shell's variables given values. */
function faultlineWords(line: string, vars: Record<string, string>): string[] {
  let s = line;
  for (const [k, v] of Object.entries(vars)) s = s.split(k).join(v);
  const at = s.indexOf('npx faultline ');
  expect(at, line).toBeGreaterThanOrEqual(0);
  const command = s.slice(at + 'npx faultline '.length).split(/\s(?:>|\|\|)\s/)[0]!;
  return command.trim().split(/\s+/).map((w) => w.replace(/^"(.*)"$/, '$1'));
}

function check(words: string[]): { command: string; flags: Record<string, unknown> } {
  const [command, ...rest] = words;
  const spec = command === 'test' ? TEST : command === 'merge' ? MERGE : undefined;
  expect(spec, `unknown command ${command}`).toBeDefined();
  const parsed = parseArgs(spec as typeof TEST, rest) as { flags: Record<string, unknown> };
  return { command: command!, flags: parsed.flags };
}

describe('scale-out files', () => {
  it('the GitHub Actions workflow: a matrix of shards and a merge, with real flags', () => {
    const wf = parse(readFileSync(join(DIR, 'github-actions.yml'), 'utf8')) as {
      env: Record<string, string>;
      jobs: Record<string, { strategy?: { matrix: { i: number[] } }; steps: { run?: string }[]; needs?: string }>;
    };
    const matrix = wf.jobs.shard!.strategy!.matrix.i;
    expect(matrix).toEqual(matrix.map((_, k) => k + 1));
    const runs = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).filter((r) => r.includes('faultline'));
    const vars = { '${{ matrix.i }}': '3', '$PROTOCOL': wf.env.PROTOCOL!, '$SEEDS': wf.env.SEEDS! };
    const checked = runs.map((r) => check(faultlineWords(r, vars)));
    const test = checked.find((c) => c.command === 'test')!;
    expect(test.flags.shard).toBe(`3/${matrix.length}`);
    expect(test.flags.json).toBe(true);
    expect(checked.some((c) => c.command === 'merge')).toBe(true);
    expect(wf.jobs.merge!.needs).toBe('shard');
  });

  it('the Kubernetes Indexed Job: one pod a shard (JOB_COMPLETION_INDEX from 0), then a merge', () => {
    const docs = parseAllDocuments(readFileSync(join(DIR, 'k8s-indexed-job.yaml'), 'utf8')).map((d) => d.toJSON()) as {
      kind: string;
      spec: { completionMode?: string; completions?: number; template: { spec: { containers: { args: string[] }[] } } };
    }[];
    expect(docs.map((d) => d.kind)).toEqual(['Job', 'Job']);
    const [shards, merge] = docs;
    expect(shards!.spec.completionMode).toBe('Indexed');
    const line = shards!.spec.template.spec.containers[0]!.args[0]!;
    const test = check(faultlineWords(line, { '$((JOB_COMPLETION_INDEX + 1))': '1', $JOB_COMPLETION_INDEX: '0' }));
    expect(test.flags.shard).toBe(`1/${shards!.spec.completions}`);
    expect(line).toMatch(/\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\//);
    const mergeLine = merge!.spec.template.spec.containers[0]!.args[0]!;
    expect(check(faultlineWords(mergeLine, {})).command).toBe('merge');
  });
});
