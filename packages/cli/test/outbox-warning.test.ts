import { describe, expect, it } from 'vitest';
import { run, runJson } from './helpers.ts';

const ARGS = ['test', './ken-resender.ts', '--scenario', 'n2-down.json', '--seeds', '2'];

describe('the Ken outbox warning', () => {
  it('warns when a timer-driven resend piles up in the outbox while a peer is down', async () => {
    const r = await runJson([...ARGS, '--bug', 'resend-blindly', '--json']);
    expect(r.code).toBe(0); // not a violation: a warning
    expect(r.json.warnings).toHaveLength(1);
    expect(r.json.warnings[0]).toMatch(/^ken outbox: n1 held [\d,]+ unacknowledged messages to n2 \(seed [12]\)\..*ctx\.unackedTo\('n2'\)/);
    const human = await run([...ARGS, '--bug', 'resend-blindly']);
    expect(human.stdout).toMatch(/⚠ ken outbox: n1 held/);
  });

  it('is silent for the same protocol holding back with ctx.unackedTo', async () => {
    const r = await runJson([...ARGS, '--json']);
    expect(r.code).toBe(0);
    expect(r.json.warnings).toBeUndefined();
    expect((await run(ARGS)).stdout).not.toMatch(/ken outbox/);
  });

  it('worker threads find the same peak as one thread', async () => {
    const one = await runJson([...ARGS, '--bug', 'resend-blindly', '--json']);
    const two = await runJson([...ARGS, '--bug', 'resend-blindly', '--json', '--workers', '2']);
    expect(two.json.warnings).toEqual(one.json.warnings);
  });
});
