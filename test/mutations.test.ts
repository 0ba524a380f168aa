import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as library from '@faultline/protocols';
import { describe, expect, it } from 'vitest';
import { applyMutation } from '../scripts/mutate/mutant.ts';
import { MUTATED_PROTOCOLS } from '../scripts/mutate/mutations.ts';

const REPO = join(import.meta.dirname, '..');

describe('npm run mutate: the mutations', () => {
  for (const p of MUTATED_PROTOCOLS) {
    it(`${p.name}: every mutation still applies to exactly one place, and the entry names the protocol`, () => {
      const exported = (library as Record<string, unknown>)[p.exportName] as { name?: string } | undefined;
      expect(exported?.name).toBe(p.name);
      expect(new Set(p.mutations.map((m) => m.id)).size).toBe(p.mutations.length);
      for (const m of p.mutations) {
        const text = readFileSync(join(REPO, 'packages', 'protocols', p.dir, m.file), 'utf8');
        const mutated = applyMutation(text, p.name, m);
        expect(mutated).not.toBe(text);
        expect(mutated.length - text.length).toBe(m.replace.length - m.find.length);
      }
    });
  }

  it('refuses a mutation whose text is gone or occurs twice, naming it', () => {
    const m = { id: 'x', file: 'f.ts', find: 'a < b', replace: 'a <= b', breaks: '' };
    expect(() => applyMutation('c > d', 'demo', m)).toThrow(/demo\/x no longer applies/);
    expect(() => applyMutation('a < b; a < b', 'demo', m)).toThrow(/demo\/x is ambiguous/);
    expect(applyMutation('if (a < b) go();', 'demo', m)).toBe('if (a <= b) go();');
  });
});

describe('npm run mutate: the runner', () => {
  it('runs the campaign on a mutant, reports the catching seed and property, and confirms the original passes it', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/mutate/run.ts', '--protocol', 'bank', '--mutation', 'no-balance-check', '--seeds', '50', '--workers', '1', '--json'],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(run.stderr).toContain('bank/no-balance-check');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { seeds: number; results: { protocol: string; mutation: string; outcome: { kind: string; property?: string; seed?: string } }[] };
    expect(out.seeds).toBe(50);
    expect(out.results).toHaveLength(1);
    expect(out.results[0]).toMatchObject({ protocol: 'bank', mutation: 'no-balance-check', outcome: { kind: 'caught', property: 'no-overdraft' } });
  });

  it('says what is wrong with its arguments', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/mutate/run.ts', '--protocol', 'nope'], { cwd: REPO, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("no mutations for protocol 'nope'");
  });
});
