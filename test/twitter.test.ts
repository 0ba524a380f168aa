/**
 * examples/twitter: the simulator campaign on a few seeds, the front-end-cache bug caught
 * in a scanned range, and the service on the real runtime (five `faultline run`
 * processes on ephemeral loopback ports: two front ends, three primary-backup back ends, then
 * a third front end that joins the running cluster with `--join f1`).
 * Bigger campaigns are run by hand: `npx faultline test ./examples/twitter/index.ts --seeds 500`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterClient, loadClusterConfig } from '@faultline/runtime/host';
import { campaign, simulate } from '@faultline/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts, LocalCluster } from '../examples/kv-cluster/processes.ts';
import { defineProtocol, type NodeSpec, type Operation, type SystemView } from '@faultline/runtime';
import type { Req, Res } from '../examples/twitter/messages.ts';
import twitter, { BACK_ENDS, LATE_BACK_END, LATE_FRONT_END } from '../examples/twitter/index.ts';
import { followerTimelinesConverge, noInventedPosts, properties, readYourPosts } from '../examples/twitter/properties.ts';
import type { State } from '../examples/twitter/state.ts';

describe('twitter in the simulator', () => {
  it('the correct version passes 8 seeds', () => {
    const r = campaign({ protocol: twitter, seeds: 8 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    expect(r.seedsRun).toBe(8);
  });

  // f3 is not in the initial list: it knows only f1 and must be admitted before it serves.
  // Before joins were built (a front end served at once, and nobody looked for its posts),
  // read-your-posts failed in 10 of 10 seeds; the bug serve-before-admitted brings that back.
  it('a front end not in the initial list is admitted: read-your-posts holds, and fails in 10 of 10 seeds when it serves unadmitted', () => {
    expect(twitter.nodes).toContainEqual(LATE_FRONT_END);
    const ok = campaign({ protocol: twitter, seeds: 10, firstSeed: 101 });
    expect(ok.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    const unadmitted = campaign({ protocol: twitter, bug: 'serve-before-admitted', seeds: 10 });
    expect(unadmitted.failures.map((f) => f.property)).toEqual(Array(10).fill('read-your-posts'));
  });

  it('a back end that joins later, knowing only b1, is admitted and gets the data; the campaign passes with it', () => {
    const withB6 = defineProtocol<State, Req, Res>({
      ...twitter,
      nodes: [...(twitter.nodes as NodeSpec[]), LATE_BACK_END],
      create: (o) => twitter.create({ ...o, lateBackEnds: [LATE_BACK_END.id] } as { bug?: string }),
      properties: properties([...BACK_ENDS, LATE_BACK_END.id]),
    });
    const r = campaign({ protocol: withB6, seeds: 5 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    const run = simulate({ protocol: withB6, seed: 2 });
    const b6 = run.nodes.find((n) => n.id === 'b6')!.state as State;
    expect(b6.lower?.status).toBe('member');
    expect(Object.keys(b6.lower!.store.data).length).toBeGreaterThan(0);
  });

  // The composite under Ken (checkpoint per turn of the whole node) with crashes.
  it('the composite passes under Ken with crashes, and a bug in the back end is caught by a property of the twitter layer', () => {
    const faults = ['drop', 'duplicate', 'reorder', 'delay', 'crash', 'pause', 'skew'] as const;
    const ok = campaign({ protocol: twitter, ken: true, faults, seeds: 4 });
    expect(ok.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    // primary-backup's no-state-transfer in the lower layer; the properties of the twitter
    // layer (not primary-backup's own `back-end:` ones) see it too (at the time of writing
    // follower-timelines-converge at seed 1; 4 of 30 seeds, and 12 more by primary-backup's own).
    const buggy = campaign({ protocol: twitter, ken: true, faults, bug: 'back-end:no-state-transfer', seeds: 3 });
    const byTwitter = buggy.failures.filter((f) => !f.property.startsWith('back-end:'));
    expect(byTwitter.length).toBeGreaterThan(0);
  });

  // At the time of writing each of seeds 1..20 fails, by read-your-posts.
  it('finds the front-end-cache bug within 5 seeds', () => {
    const r = campaign({ protocol: twitter, bug: 'front-end-cache', seeds: 5, failFast: true });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.property).toBe('read-your-posts');
  });
});

describe('the twitter properties', () => {
  let at = 0;
  const op = (client: string, req: Req, result?: Res): Operation<Req, Res> => {
    at += 10;
    return { id: `${client}:${at}`, client, req, invokeMs: at, status: result === undefined ? 'timeout' : 'ok', completeMs: at + 5, result, node: 'f1', attempts: 1 };
  };
  const view = (history: Operation<Req, Res>[], data: Record<string, string[]> = {}): SystemView<State, Req, Res> => ({
    nowMs: at + 100,
    phase: 'quiescent',
    history,
    nodes: [{ id: 'b1', up: true, paused: false, state: { upper: null, lower: { store: { data } } } as unknown as State }],
  });
  const log = (posts: { id: string; author: string; text: string }[], follows: { user: string; whom: string }[] = []) =>
    JSON.stringify({ posts: posts.map((p) => ({ ...p, atMs: 0 })), follows });

  it('read-your-posts fails on a timeline without an earlier acknowledged post of its user', () => {
    const history = [op('c1', { type: 'post', user: 'al', text: 'x' }, { type: 'posted' }), op('c2', { type: 'timeline', user: 'al' }, { type: 'timeline', user: 'al', posts: [] })];
    expect(readYourPosts.check(view(history))).toMatch(/lacks post .* "x"/);
    history[1]!.result = { type: 'timeline', user: 'al', posts: [{ author: 'al', text: 'x' }] };
    expect(readYourPosts.check(view([...history]))).toBe(true);
  });

  it('no-invented-posts fails on a post nobody made, or by someone not followed', () => {
    const post = op('c1', { type: 'post', user: 'bo', text: 'y' });
    const invented = op('c2', { type: 'timeline', user: 'al' }, { type: 'timeline', user: 'al', posts: [{ author: 'al', text: 'z' }] });
    expect(noInventedPosts.check(view([post, invented]))).toMatch(/nobody posted/);
    const unfollowed = op('c2', { type: 'timeline', user: 'al' }, { type: 'timeline', user: 'al', posts: [{ author: 'bo', text: 'y' }] });
    expect(noInventedPosts.check(view([post, unfollowed]))).toMatch(/never asked to follow/);
  });

  it('follower-timelines-converge fails when a back end lacks an acknowledged post of a followed user', () => {
    const history = [op('c1', { type: 'follow', user: 'al', whom: 'bo' }, { type: 'followed' }), op('c2', { type: 'post', user: 'bo', text: 'y' }, { type: 'posted' })];
    const p = followerTimelinesConverge(['b1']);
    expect(p.check(view(history, { 'log/f1#1': [log([], [{ user: 'al', whom: 'bo' }])] }))).toMatch(/gives al a timeline without "y"/);
    expect(p.check(view(history, { 'log/f1#1': [log([{ id: 'r', author: 'bo', text: 'y' }], [{ user: 'al', whom: 'bo' }])] }))).toBe(true);
  });
});

describe('twitter on the real runtime', () => {
  const INDEX = fileURLToPath(new URL('../examples/twitter/index.ts', import.meta.url));
  const IDS = ['f1', 'f2', 'b1', 'b2', 'b3'];
  let cluster: LocalCluster | undefined;
  let joiner: LocalCluster | undefined;
  let client: ClusterClient | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    await client?.close();
    await cluster?.kill();
    await joiner?.kill();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a post through one front end is in the timeline read through the other; a front end joins with --join and serves', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twitter-'));
    const ports = await freePorts(IDS.length + 1);
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

    // f3 is in no node's cluster.json: its own lists only itself and f1, and it joins with --join f1.
    const f3 = { id: 'f3', address: `127.0.0.1:${ports[IDS.length]}` };
    const joinerFile = path.join(dir, 'f3.json');
    fs.writeFileSync(joinerFile, JSON.stringify({ ...config, nodes: [f3, config.nodes[0]] }));
    joiner = new LocalCluster(joinerFile, ['f3'], { quickStart: true, runArgs: ['--join', 'f1'] });
    await joiner.start();
    const everyone = path.join(dir, 'everyone.json');
    fs.writeFileSync(everyone, JSON.stringify({ ...config, nodes: [...config.nodes, f3] }));
    await client.close();
    client = await ClusterClient.connect({ config: loadClusterConfig(everyone), timeoutMs: 1000, attemptsMax: 20 });
    // It serves once a front end has admitted it and it has claimed a generation.
    for (let i = 0; i < 200; i++) {
      const upper = ((await client.inspect('f3')).state as State).upper;
      if (upper?.joined === true && upper.gen > 0) break;
      await new Promise((r) => setTimeout(r, 50)); // det-ok: a real cluster's clock
    }
    const posted = await client.request<Res>({ type: 'post', user: 'bob', text: 'hello from f3' }, { target: 'f3' });
    expect(posted).toMatchObject({ result: { type: 'posted' }, node: 'f3' });
    expect(await ask({ type: 'timeline', user: 'bob' }, 'f2')).toEqual({
      type: 'timeline',
      user: 'bob',
      posts: [
        { author: 'alice', text: 'hello from f1' },
        { author: 'bob', text: 'hi alice' },
        { author: 'bob', text: 'hello from f3' },
      ],
    });
    const fromF3 = await client.request<Res>({ type: 'timeline', user: 'alice' }, { target: 'f3' });
    expect(fromF3).toMatchObject({ result: { type: 'timeline', user: 'alice', posts: [{ author: 'alice', text: 'hello from f1' }] }, node: 'f3' });
  }, 90_000);
});
