import { expect } from 'vitest';
import counter from '../../../examples/tutorial/src/counter.ts';
import { primaryBackup } from '@faultline/protocols';
import { simTest } from '../src/index.ts';

// simTest registers ordinary vitest tests; these are ones a user would write.
simTest('the tutorial counter passes its fault model', { protocol: counter, seeds: 5, durationMs: 2000 });

simTest('every replica of the counter ends up with a state', { protocol: counter, seeds: 3, durationMs: 2000 }, (result) => {
  expect(result.nodes.every((n) => n.state !== undefined)).toBe(true);
});

simTest.fails("the counter's gossip-once bug is caught", { protocol: counter, bug: 'gossip-once', seeds: 20, durationMs: 2000 });

simTest("primary-backup's reply-before-replicate is caught", {
  protocol: primaryBackup,
  bug: 'reply-before-replicate',
  seeds: 20,
  firstSeed: 1,
  expect: 'violation',
  timeout: 60_000,
});
