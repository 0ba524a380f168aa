/**
 * A mutant: a copy of one protocol's directory with one mutation applied, plus an entry
 * module that exports its definition as `default`, so `faultline test <entry>` runs it.
 * The copy lives inside the repository (under .faultline/, which git ignores) so that its
 * imports of `@faultline/runtime` resolve through the repository's node_modules; the
 * protocol's own sources are never touched.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mutation, MutatedProtocol } from './mutations.ts';

/** `text` with the mutation applied; throws, naming it, unless `find` occurs exactly once. */
export function applyMutation(text: string, protocol: string, m: Mutation): string {
  const first = text.indexOf(m.find);
  if (first < 0) throw new Error(`mutation ${protocol}/${m.id} no longer applies: ${m.file} does not contain ${JSON.stringify(m.find)} (update scripts/mutate/mutations.ts)`);
  if (text.indexOf(m.find, first + 1) >= 0) throw new Error(`mutation ${protocol}/${m.id} is ambiguous: ${m.file} contains ${JSON.stringify(m.find)} more than once`);
  if (m.find === m.replace) throw new Error(`mutation ${protocol}/${m.id} changes nothing`);
  return text.slice(0, first) + m.replace + text.slice(first + m.find.length);
}

export interface Mutant {
  readonly dir: string;
  /** The module to give `faultline test`. */
  readonly entry: string;
}

/** Writes the mutant of `p` under `root` and returns where it is. */
export function writeMutant(repo: string, root: string, p: MutatedProtocol, m: Mutation): Mutant {
  const source = join(repo, 'packages', 'protocols', p.dir);
  const dir = join(root, `${p.dir}--${m.id}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(source, dir, { recursive: true, filter: (path) => !path.endsWith('.test.ts') });
  const file = join(dir, m.file);
  writeFileSync(file, applyMutation(readFileSync(file, 'utf8'), p.name, m));
  const entry = join(dir, 'mutant-entry.ts');
  writeFileSync(entry, `// ${p.name} with mutation ${m.id}: ${m.breaks}\nexport { ${p.exportName} as default } from './index.ts';\n`);
  return { dir, entry };
}
