/**
 * examples/twitter: the simulator campaign on a few seeds, the front-end-cache bug caught
 * in a scanned range, and the service on the real runtime (five `faultline run`
 * processes on ephemeral loopback ports: two front ends, three primary-backup back ends).
 * Bigger campaigns are run by hand: `npx faultline test ./examples/twitter/index.ts --seeds 500`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterClient, loadClusterConfig } from '@faultline/runtime/host';
import { campaign } from '@faultline/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts, LocalCluster } from '../examples/kv-cluster/processes.ts';
import type { Res } from '../examples/twitter/messages.ts';
import twitter from '../examples/twitter/index.ts';

describe('twitter in the simulator', () => {
  it('the correct version passes 8 seeds', () => {
    const r = campaign({ protocol: twitter, seeds: 8 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    expect(r.seedsRun).toBe(8);
  });

  // At the time of writing each of seeds 1..20 fails, by read-your-posts.
  it('finds the front-end-cache bug within 5 seeds', () => {
    const r = campaign({ protocol: twitter, bug: 'front-end-cache', seeds: 5, failFast: true });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.property).toBe('read-your-posts');
  });
});

describe('twitter on the real runtime', () => {
  const INDEX = fileURLToPath(new URL('../examples/twitter/index.ts', import.meta.url));
  const IDS = ['f1', 'f2', 'b1', 'b2', 'b3'];
  let cluster: LocalCluster | undefined;
  let client: ClusterClient | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    await client?.close();
    await cluster?.kill();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a post through one front end is in the timeline read through the other', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twitter-'));
    const ports = await freePorts(IDS.length);
    const file = path.join(dir, 'cluster.json');
    const config = {
      nodes: IDS.map((id, i) => ({ id, address: `127.0.0.1:${ports[i]}` })),
      protocol: { name: INDEX, options: { backEnds: ['b1', 'b2', 'b3'] } },
      security: { plaintext: true },
    };
    fs.writeFileSync(file, JSON.stringify(config));
    cluster = new LocalCluster(file, IDS, { quickStart: true });
    await cluster.start();
    client = await ClusterClient.connect({ config: loadClusterConfig(file), timeoutMs: 1000, attemptsMax: 20 });

    const ask = async (req: unknown, target: string): Promise<Res> => (await client!.request<Res>(req, { target })).result;
    expect(await ask({ type: 'follow', user: 'bob', whom: 'alice' }, 'f2')).toEqual({ type: 'followed' });
    expect(await ask({ type: 'post', user: 'alice', text: 'hello from f1' }, 'f1')).toEqual({ type: 'posted' });
    expect(await ask({ type: 'post', user: 'bob', text: 'hi alice' }, 'f2')).toEqual({ type: 'posted' });
    expect(await ask({ type: 'timeline', user: 'bob' }, 'f1')).toEqual({
      type: 'timeline',
      user: 'bob',
      posts: [
        { author: 'alice', text: 'hello from f1' },
        { author: 'bob', text: 'hi alice' },
      ],
    });
    expect(await ask({ type: 'timeline', user: 'alice' }, 'f2')).toEqual({ type: 'timeline', user: 'alice', posts: [{ author: 'alice', text: 'hello from f1' }] });
    expect(await ask({ type: 'timeline' }, 'f1')).toEqual({ type: 'error', error: 'timeline needs user' });
  }, 90_000);
});
