import { existsSync, readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { errorMessage } from './error-message.ts';

/**
 * Why a user's module failed to load, in one line that says what to do. The loader's own
 * message is often about a symptom: a syntax error's location sits on its second line,
 * and a `.ts` file outside any project with faultline installed fails as "Cannot
 * require() ES Module ... in a cycle" (tsx treats it as CommonJS) before the real cause,
 * a package that is not installed there, is ever reached.
 */
export function loadFailure(err: unknown, path: string, abs: string): string {
  const message = errorMessage(err);
  const syntax = syntaxErrors(message, path, abs);
  if (syntax !== undefined) return syntax;
  const missing = missingPackages(abs);
  if (missing.length > 0) {
    const names = missing.map((m) => `'${m}'`).join(', ');
    return (
      `it imports ${names}, which ${missing.length === 1 ? 'is' : 'are'} not installed where the file is (no node_modules above ${dirname(abs)} has ${missing.length === 1 ? 'it' : 'them'}): ` +
      `put the file in a project that has faultline installed (README: "Use it in your own project"), or install ${missing.length === 1 ? 'it' : 'them'} beside the file`
    );
  }
  if (/Cannot require\(\) ES Module .* in a cycle/.test(message) && !isModuleScope(abs))
    return `${path} is loaded as CommonJS (no package.json with "type": "module" above it): add "type": "module" to its package.json, or name it .mts`;
  return firstLine(message);
}

/** esbuild's "Transform failed with N errors:" lists `file:line:col: ERROR: text` lines: keep them, with the path as given. */
function syntaxErrors(message: string, path: string, abs: string): string | undefined {
  if (!/^Transform failed/.test(message)) return undefined;
  const found = [...message.matchAll(/^(.*):(\d+):(\d+): ERROR: (.*)$/gm)].map((m) => `${m[1] === abs ? path : m[1]}:${m[2]}:${m[3]}: ${m[4]}`);
  return found.length > 0 ? `syntax error at ${found.join('; ')}` : firstLine(message);
}

/** The bare packages `abs` imports that cannot be found from its directory. */
export function missingPackages(abs: string): string[] {
  let source: string;
  try {
    source = readFileSync(abs, 'utf8');
  } catch {
    return [];
  }
  const require = createRequire(abs);
  const names = new Set<string>();
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) {
    const spec = m[1]!;
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || isBuiltin(spec) || /^[a-z]+:/i.test(spec)) continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return [...names].filter((name) => {
    try {
      require.resolve(`${name}/package.json`);
      return false;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'MODULE_NOT_FOUND') return false; // there, but not exporting package.json: installed
      try {
        require.resolve(name);
        return false;
      } catch (again) {
        return (again as { code?: string }).code === 'MODULE_NOT_FOUND';
      }
    }
  });
}

/** True when the nearest package.json above `abs` says `"type": "module"` (or it is .mts). */
function isModuleScope(abs: string): boolean {
  if (abs.endsWith('.mts') || abs.endsWith('.mjs')) return true;
  for (let dir = dirname(abs); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return false;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
