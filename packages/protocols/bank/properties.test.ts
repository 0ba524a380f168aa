import type { SystemView } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import type { BankReq, BankRes } from './messages.ts';
import { noOverdraft } from './properties.ts';
import { initialBankState, type BankState } from './state.ts';

function view(states: Record<string, BankState | undefined>): SystemView<BankState, BankReq, BankRes> {
  const nodes = Object.entries(states).map(([id, state]) => ({ id, up: state !== undefined, paused: false, state }));
  return { nowMs: 0, nodes, history: [], phase: 'running' } as unknown as SystemView<BankState, BankReq, BankRes>;
}

describe('no-overdraft', () => {
  it('holds while every balance is zero or more', () => {
    const drained = { ...initialBankState('n2'), balances: { 'n2/a1': 0, 'n2/a2': 100, 'n2/a3': 250 } };
    expect(noOverdraft.check(view({ n1: initialBankState('n1'), n2: drained, n3: undefined }))).toBe(true);
  });

  it('fails on a negative balance and names the account and node', () => {
    const overdrawn = { ...initialBankState('n2'), balances: { 'n2/a1': 100, 'n2/a2': -40, 'n2/a3': 100 } };
    expect(noOverdraft.check(view({ n1: initialBankState('n1'), n2: overdrawn }))).toBe('n2/a2 on n2 has a balance of -40');
  });
});
