import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '@faultline/runtime';
import { run, runJson } from './helpers.ts';

describe('faultline list', () => {
  it('--json prints exactly { protocols: [{ name, description, bugs, properties, faults, ken }] }', async () => {
    const { code, json } = await runJson(['list', '--json']);
    expect(code).toBe(0);
    expect(json).toEqual({
      protocols: [
        {
          name: 'counter',
          description: 'n1 counts; other nodes forward to it (a cli test fixture)',
          bugs: [{ name: 'local-count', description: 'every node counts on its own' }],
          properties: [
            { name: 'unique-results', kind: 'always', description: 'no two acknowledged increments return the same count' },
            { name: 'counted', kind: 'eventually', description: "n1's count covers every acknowledged increment" },
          ],
          faults: ['drop', 'duplicate', 'delay'],
          ken: false,
        },
      ],
    });
  });

  it('lists a protocol module given by path', async () => {
    const { code, json } = await runJson(['list', './counter.ts', '--json'], { protocols: [] });
    expect(code).toBe(0);
    expect(json.protocols.map((p: { name: string }) => p.name)).toEqual(['counter']);
  });

  it('prints bugs, properties and the fault model for people', async () => {
    const r = await run(['list']);
    expect(r.code).toBe(0);
    for (const word of ['counter', 'local-count', 'unique-results', 'eventually', 'drop, duplicate, delay']) expect(r.stdout).toContain(word);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('says so when there are no protocols', async () => {
    const r = await run(['list'], { protocols: [] });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No built-in protocols/);
  });

  it("lists a protocol's declared consistency level among its properties, and whether it runs under Ken", async () => {
    const { json } = await runJson(['list', 'raft', 'lazy-replication', '--json'], { protocols: undefined });
    const [raft, lazy] = json.protocols;
    expect(raft.properties.at(-1)).toMatchObject({ name: 'linearizable', kind: 'eventually' });
    expect(lazy.properties.at(-1)).toMatchObject({ name: 'causal', kind: 'eventually' });
    expect([raft.ken, lazy.ken]).toEqual([true, true]);
  });

  it('works with the real protocol library (whatever it holds today)', async () => {
    const { code, json } = await runJson(['list', '--json'], { protocols: undefined });
    expect(code).toBe(0);
    expect(Array.isArray(json.protocols)).toBe(true);
    for (const p of json.protocols) {
      expect(Object.keys(p)).toEqual(['name', 'description', 'bugs', 'properties', 'faults', 'ken']);
      for (const f of p.faults) expect(FAULT_KINDS).toContain(f);
    }
  });
});

describe('help and version', () => {
  it('--help for every command, and help <command>', async () => {
    for (const cmd of ['list', 'test', 'replay']) {
      const r = await run([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: faultline ${cmd}`);
      expect(r.stdout).toContain('-h, --help');
      expect((await run(['help', cmd])).stdout).toBe(r.stdout);
      // --help wins over other mistakes on the line.
      expect((await run([cmd, '--nope', '-h'])).code).toBe(0);
    }
    expect((await run(['test', '--help'])).stdout).toContain('--fail-fast');
    expect((await run(['replay', '--help'])).stdout).toContain('--trace');
  });

  it('top-level help lists the commands, the fault kinds and the exit codes', async () => {
    for (const argv of [['help'], ['--help'], ['-h']]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      for (const word of ['list', 'test', 'replay', ...FAULT_KINDS, 'Exit codes']) expect(r.stdout).toContain(word);
    }
  });

  it('help --help and help help describe the help command itself', async () => {
    for (const argv of [['help', '--help'], ['help', '-h'], ['help', 'help']]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: faultline help [command]');
    }
  });

  it('--version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^faultline \d+\.\d+\.\d+\n$/);
  });
});
