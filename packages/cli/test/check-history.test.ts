import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Operation } from '@faultline/runtime';
import { checkLinearizability, kvModel, randomCasHistory, randomKvHistory, type Model } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { JEPSEN } from './history/model-jepsen.ts';
import { jepsenHistory } from './history/jepsen-writer.ts';
import { HISTORIES, swapResults } from './history/generated.ts';
import { REPO_ROOT, run } from './helpers.ts';

const DIR = mkdtempSync(join(tmpdir(), 'faultline-check-history-'));
const DATA = join(REPO_ROOT, 'test', 'data', 'histories');
const write = (name: string, text: string) => {
  const path = join(DIR, name);
  writeFileSync(path, text);
  return path;
};

/**
 * What the library says of the history Jepsen's EDN carries: a failed cas (:fail) did not
 * happen. Only the verdict is compared, so the violation is not shrunk here.
 */
const reference = (ops: Operation[], model: Model<unknown, unknown, unknown>) =>
  checkLinearizability(ops.filter((op) => (op.result as { type?: string } | undefined)?.type !== 'cas-fail'), model, { shrink: false }).outcome;

describe('check-history on generated Jepsen EDN histories', () => {
  for (const [name, { model, make }] of Object.entries(HISTORIES))
    it(`${name}: the command's verdict is the library's on the same operations, linearizable or not`, async () => {
      const seen = new Set<string>();
      for (let s = 0; s < 6; s++) {
        const ops = s % 2 === 0 ? make(`${name}-${s}`) : swapResults(make(`${name}-${s}`), `swap-${s}`);
        const expected = reference(ops, model);
        const file = write(`${name}-${s}.edn`, jepsenHistory(ops, JEPSEN[name]!, 1));
        const r = await run(['check-history', file, '--model', name, '--json']);
        const json = JSON.parse(r.stdout) as { outcome: string; format: string; core?: unknown[] };
        expect(json.format).toBe('edn');
        expect(json.outcome, `${name} seed ${s}`).toBe(expected);
        // Shrunk to a few operations: no hard shrinking candidate may take the whole budget
        // (on set seed 1 one did, and the core was all 40 operations).
        if (expected === 'violation') expect(json.core!.length, `${name} seed ${s}`).toBeLessThanOrEqual(8);
        expect(r.code).toBe(expected === 'ok' ? 0 : 1);
        seen.add(expected);
      }
      expect([...seen].sort()).toEqual(['ok', 'violation']);
    });
});

describe('check-history: the committed Jepsen histories', () => {
  it('were written by our own writer from the generated histories (regenerated here, byte for byte)', () => {
    for (const [name, { make }] of Object.entries(HISTORIES)) {
      expect(readFileSync(join(DATA, `${name}-ok.edn`), 'utf8')).toBe(jepsenHistory(make(`data-${name}`), JEPSEN[name]!, 1));
      expect(readFileSync(join(DATA, `${name}-bad.edn`), 'utf8')).toBe(jepsenHistory(swapResults(make(`data-${name}`), 'data'), JEPSEN[name]!, 1));
    }
  });

  it('pass and fail as their names say, with the core printed by file line', async () => {
    for (const name of Object.keys(HISTORIES)) {
      expect((await run(['check-history', join(DATA, `${name}-ok.edn`), '--model', name])).code, name).toBe(0);
      const bad = await run(['check-history', join(DATA, `${name}-bad.edn`), '--model', name]);
      expect(bad.code, name).toBe(1);
      expect(bad.stdout).toMatch(/✗ not linearizable/);
      expect(bad.stdout).toMatch(/\[line \d+ \.\. (line \d+|no reply)\]/);
    }
  });
});

describe('check-history: formats', () => {
  const cas = randomCasHistory({ seed: 'fmt', operations: 30, clients: 3, staleReads: 1, latencyMsMax: 8 }) as Operation[];

  it("reads Porcupine's Jepsen log lines, a failed cas as refused by the compare", async () => {
    const log = jepsenHistory(cas, JEPSEN['cas-register']!, 1)
      .trim()
      .split('\n')
      .map((l) => {
        const m = /:type :(\w+), :process (\d+), :f :(\w+), :value (.*)\}$/.exec(l)!;
        return `INFO  jepsen.util - ${m[2]}\t:${m[1]}\t:${m[3]}\t${m[4]}`;
      })
      .join('\n');
    const r = await run(['check-history', write('cas.log', log), '--model', 'cas-register', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'porcupine', outcome: checkLinearizability(cas, kvModel).outcome });
  });

  it("reads faultline's operations, one JSON object per line, and a replay trace", async () => {
    const ops = randomKvHistory({ seed: 'jsonl', operations: 50, clients: 4, keys: 2 });
    const ok = await run(['check-history', write('ops.jsonl', ops.map((o) => JSON.stringify(o)).join('\n')), '--model', 'kv', '--json']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ format: 'jsonl', outcome: 'ok', operations: 50 });
    const stale = randomCasHistory({ seed: 'jsonl', operations: 30, clients: 3, staleReads: 2 });
    const bad = await run(['check-history', write('bad.jsonl', stale.map((o) => JSON.stringify(o)).join('\n')), '--model', 'kv']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/ms \.\. /);
    const trace = [
      { i: 1, t: 1, k: 'invoke', client: 'c1', id: 'c1:1', req: { type: 'put', key: 'a', value: '1' } },
      { i: 2, t: 2, k: 'complete', client: 'c1', id: 'c1:1', node: 'n1', result: { type: 'put-ok' }, m: 1 },
      { i: 3, t: 3, k: 'invoke', client: 'c2', id: 'c2:1', req: { type: 'get', key: 'a' } },
      { i: 4, t: 4, k: 'complete', client: 'c2', id: 'c2:1', node: 'n1', result: { type: 'get-ok', value: null }, m: 2 },
    ];
    const t = await run(['check-history', write('trace.jsonl', trace.map((x) => JSON.stringify(x)).join('\n')), '--model', 'kv', '--json']);
    expect(JSON.parse(t.stdout)).toMatchObject({ outcome: 'violation', operations: 2 });
  });

  it('sequential and causal levels: a stale read is sequentially consistent but not linearizable', async () => {
    const edn = ['{:process 0, :type :invoke, :f :write, :value 1}', '{:process 0, :type :ok, :f :write, :value 1}', '{:process 1, :type :invoke, :f :read, :value nil}', '{:process 1, :type :ok, :f :read, :value nil}'].join('\n');
    const file = write('stale.edn', edn);
    expect((await run(['check-history', file, '--model', 'cas-register'])).code).toBe(1);
    expect((await run(['check-history', file, '--model', 'cas-register', '--level', 'sequential'])).code).toBe(0);
    expect((await run(['check-history', file, '--model', 'cas-register', '--level', 'causal'])).code).toBe(0);
    const own = ['{:process 0, :type :invoke, :f :write, :value 1}', '{:process 0, :type :ok, :f :write, :value 1}', '{:process 0, :type :invoke, :f :read, :value nil}', '{:process 0, :type :ok, :f :read, :value nil}'].join('\n');
    const r = await run(['check-history', write('ryw.edn', own), '--model', 'cas-register', '--level', 'causal']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/not causally consistent/);
  });
});

describe('check-history: models from a module', () => {
  it("a user's nondeterministic model sees the observed result (a bag: a take returns any element)", async () => {
    const model = write(
      'bag-model.mjs',
      `export const model = {
  init: () => [],
  step(state, req, observed) {
    if (req.f === 'put') return { state: [...state, req.value].sort(), result: req.value };
    const i = observed === undefined ? 0 : state.indexOf(observed);
    if (i < 0) return { state, result: 'not in the bag' };
    return { state: state.filter((_, j) => j !== i), result: state[i] };
  },
};`,
    );
    const lines = (takes: number[]) =>
      [[0, 'put', 1], [0, 'put', 2], ...takes.map((v) => [1, 'take', v])].flatMap(([p, f, v]) => [`{:process ${p}, :type :invoke, :f :${f}, :value ${f === 'put' ? v : 'nil'}}`, `{:process ${p}, :type :ok, :f :${f}, :value ${v}}`]).join('\n');
    expect((await run(['check-history', write('bag-ok.edn', lines([2, 1])), '--model', model])).code).toBe(0);
    const bad = await run(['check-history', write('bag-bad.edn', lines([2, 2])), '--model', model]);
    expect(bad.code).toBe(1);
  });

  it('a module without a model is a clear error', async () => {
    const r = await run(['check-history', write('x.edn', '{:process 0, :type :invoke, :f :read, :value nil}'), '--model', write('empty.mjs', 'export const x = 1;')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exports no model/);
  });
});

describe('check-history: bad input', () => {
  it('names the line of a syntax error, an unpaired completion, a missing field', async () => {
    const cases: [string, RegExp][] = [
      ['{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0 :type :ok', /line 2: '\{' opened here is never closed/],
      ['{:process 0, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value 3}', /line 2: process 1 completes \(:ok\) an operation it never invoked/],
      ['{:process 0, :type :invoke, :value nil}', /line 1: an operation needs an :f/],
      ['{:process 0, :type :begin, :f :read, :value nil}', /line 1: :type must be one of/],
      ['{:process 0, :type :invoke, :f :frob, :value nil}', /line 1: the register model knows read, write and cas/],
    ];
    for (const [text, message] of cases) {
      const r = await run(['check-history', write('bad.edn', text), '--model', 'cas-register']);
      expect(r.code, text).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('an unknown model, level or format says which ones there are', async () => {
    const file = write('one.edn', '{:process 0, :type :invoke, :f :read, :value nil}');
    expect((await run(['check-history', file, '--model', 'cas-registr'])).stderr).toMatch(/did you mean 'cas-register'/);
    expect((await run(['check-history', file, '--model', 'kv', '--level', 'serializable'])).stderr).toMatch(/--level must be one of linearizable, sequential, causal/);
    expect((await run(['check-history', file, '--model', 'set', '--level', 'causal'])).stderr).toMatch(/kv and cas-register models only/);
    expect((await run(['check-history', file])).stderr).toMatch(/--model is required/);
  });
});

describe('check-history --html', () => {
  it('draws one bar per operation on its client lane, the core highlighted', async () => {
    const out = join(DIR, 'page.html');
    const r = await run(['check-history', join(DATA, 'cas-register-bad.edn'), '--model', 'cas-register', '--html', out, '--json']);
    const json = JSON.parse(r.stdout) as { operations: number; core: unknown[] };
    const page = readFileSync(out, 'utf8');
    expect(page.match(/<g class="(op|core|context)/g)!.length).toBe(json.operations);
    expect(page.match(/<g class="core/g)!.length).toBe(json.core.length);
    expect(page).not.toMatch(/<script src|<link /);
  });
});
