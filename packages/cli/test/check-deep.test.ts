import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, runJson } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'faultline-check-deep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const RING = '../../../simulator/test/explore/fixtures/token-ring.ts';
const CHAIN = '../../../simulator/test/explore/fixtures/chain-reconfig.ts';
const TICKETS = '../../../simulator/test/explore/fixtures/ticket-server.ts';

describe('faultline check: warm-up fallback and directed search (issue 17)', () => {
  it('--warmup: a bug past the warm-up is found from the initial state, said so, and its path replays from there', async () => {
    const out = join(tmp, 'ring.json');
    const r = await run(['check', RING, '--depth', '6', '--warmup', '2000', '--walk-depth', '30', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/can no longer become true/);
    expect(r.stdout).toContain('searched again from the initial state');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ kind: 'liveness', warmupSteps: 0 });
    const replay = await runJson(['replay', RING, '--choices', out, '--json']);
    expect(replay.json).toMatchObject({ ok: false, violation: { property: 'every-node-served' } });
  });

  it('--directed finds the chain bug, says it searched best first, and writes a path that replays', async () => {
    const out = join(tmp, 'chain.json');
    const r = await runJson(['check', CHAIN, '--bug', 'no-resend-on-reconfig', '--depth', '30', '--walks', '0', '--directed', '--json', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: false, violation: { property: 'chain-prefix', foundBy: 'search' } });
    expect(r.json.reductions).toEqual(['directed search (best first, no sleep sets)']);
    const replay = await run(['replay', CHAIN, '--choices', out]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/'chain-prefix' violated/);
  });

  it('--symmetric takes a group of clients: fewer states, the same verdict; clients that are not alike are a usage error', async () => {
    const plain = await runJson(['check', TICKETS, '--depth', '40', '--requests', '3', '--walks', '0', '--json']);
    const sym = await runJson(['check', TICKETS, '--depth', '40', '--requests', '3', '--walks', '0', '--symmetric', 'c1,c2,c3', '--json']);
    expect(sym.json).toMatchObject({ ok: true, coverage: 'exhausted', reductions: ['sleep sets', 'symmetry over c1, c2, c3'] });
    expect(sym.json.statesUnique).toBeLessThan(plain.json.statesUnique);
    const bad = await run(['check', TICKETS, '--depth', '2', '--symmetric', 'c1,n2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/faultline check --symmetric: 'n2' is not one of the check's clients/);
  });

  it('--help lists --directed', async () => {
    const r = await run(['check', '--help']);
    expect(r.stdout).toMatch(/--directed\s+best first/);
  });
});
