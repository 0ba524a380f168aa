/**
 * A mutant: a copy of the protocol library's sources (every protocol's directory, without
 * tests or build output) with one mutation applied to one protocol, plus an entry module
 * that exports that protocol's definition as `default`, so `faultline test <entry>` runs
 * it. The whole library is copied, not the one directory, because a protocol may import
 * another's (shopping-list keeps its state in epidemic-collection's TempestCollection);
 * a mutation of the imported protocol's file would reach the importer through the copy.
 * The copy lives inside the repository (under .faultline/, which git ignores) so that its
 * imports of `@faultline/runtime` resolve through the repository's node_modules; the
 * protocols' own sources are never touched.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
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

/** What of packages/protocols a mutant copies: sources, not tests, build output or installed packages. */
export function copied(path: string): boolean {
  const name = basename(path);
  return !name.endsWith('.test.ts') && name !== 'dist' && name !== 'node_modules';
}

/** Writes the mutant of `p` under `root` and returns where it is. */
export function writeMutant(repo: string, root: string, p: MutatedProtocol, m: Mutation): Mutant {
  const dir = join(root, `${p.dir}--${m.id}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(join(repo, 'packages', 'protocols'), dir, { recursive: true, filter: copied });
  const file = join(dir, p.dir, m.file);
  writeFileSync(file, applyMutation(readFileSync(file, 'utf8'), p.name, m));
  const entry = join(dir, 'mutant-entry.ts');
  writeFileSync(entry, `// ${p.name} with mutation ${m.id}: ${m.breaks}\nexport { ${p.exportName} as default } from './${p.dir}/index.ts';\n`);
  return { dir, entry };
}
