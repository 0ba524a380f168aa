import { expect } from 'vitest';
import { simTest } from 'faultline/testing';
import counter from '../src/counter.js';

// `replayAs` is how a failure's replay command names the protocol: run from this folder.
const options = { protocol: counter, seeds: 200, timeout: 60_000, replayAs: 'src/counter.ts' };

simTest('the counter survives its fault model', options, (run) => {
  expect(run.history.length).toBeGreaterThan(0);
});

simTest.fails('gossip-once is caught', { ...options, bug: 'gossip-once' });
