/**
 * End to end through `faultline run` and `faultline client` with a pre-shared key: a
 * client without the key is refused; 10,000 random, truncated and ill-formed messages from
 * an authenticated client (they pass the transport and reach the node host's decoder, which
 * is what this test is about; the transport's own frame fuzzing is in
 * packages/runtime/test/net/fuzz.test.ts) and a burst of raw garbage at the TLS port leave
 * the node serving clients.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTransport } from '@faultline/runtime/net';
import { loadClusterConfig, transportSecurity } from '@faultline/runtime/host';
import { Rng } from '@faultline/simulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePorts, LocalCluster, writeKvConfig } from '../examples/kv-cluster/processes.ts';

const IDS = ['n1', 'n2', 'n3'];
const BIN = fileURLToPath(new URL('../packages/cli/bin/faultline.js', import.meta.url));
const FUZZ_MESSAGES = 10_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-cluster-security-'));
let cluster: LocalCluster;
let configFile: string;

beforeAll(async () => {
  configFile = writeKvConfig(dir, IDS, await freePorts(IDS.length), randomBytes(24).toString('hex'));
  cluster = new LocalCluster(configFile, IDS);
  await cluster.start();
}, 120_000);

afterAll(async () => {
  await cluster?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** `faultline client` as a process: its exit code and output. */
function faultlineClient(config: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'client', '--config', config, ...args], (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

/** One message an authenticated but hostile client might send, drawn from `rng`. */
function hostileMessage(rng: Rng, n: number): Uint8Array {
  const valid = JSON.stringify({ t: 'req', id: `fuzz/${n}`, req: { type: 'get', key: 'a', seq: n } });
  const junk = (len: number) => Buffer.from(Array.from({ length: len }, () => rng.int(256)));
  switch (rng.int(8)) {
    case 0:
      return junk(rng.int(100));
    case 1: // a valid message cut short
      return Buffer.from(valid.slice(0, rng.int(valid.length)));
    case 2: // JSON that is not an envelope
      return Buffer.from(rng.pick(['null', '[]', '42', '"req"', '{}', '{"t":null}', '{"t":"req"}', '{"t":"req","id":""}']));
    case 3: // frames only nodes (or only nodes to clients) send
      return Buffer.from(JSON.stringify(rng.pick([{ t: 'msg', msg: { type: 'Prepare' } }, { t: 'ken', frame: { ken: 'ack', ack: 99 } }, { t: 'rep', id: 'x/1', result: 1 }])));
    case 4: // a request the protocol does not expect
      return Buffer.from(JSON.stringify({ t: 'req', id: `fuzz/${n}`, req: rng.pick([null, 7, 'put', [], { type: 'put' }, { type: 'nope', key: {} }]) }));
    case 5: // odd ids
      return Buffer.from(JSON.stringify({ t: 'req', id: rng.pick(['__proto__', 'constructor', 'x'.repeat(300), '/']), req: { type: 'get', key: 'a' } }));
    case 6: // bytes that are not UTF-8
      return Buffer.concat([Buffer.from('{"t":"req","id":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}')]);
    default: // an inspect request (answered)
      return Buffer.from(JSON.stringify({ t: 'inspect', id: `fuzz/i${n}` }));
  }
}

it('refuses a client without the key', async () => {
  const wrong = path.join(dir, 'wrong');
  fs.mkdirSync(wrong);
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  fs.writeFileSync(path.join(wrong, 'cluster.key'), `${randomBytes(24).toString('hex')}\n`);
  fs.writeFileSync(path.join(wrong, 'cluster.json'), JSON.stringify(config));
  const r = await faultlineClient(path.join(wrong, 'cluster.json'), ['{"type":"get","key":"a"}', '--node', 'n1', '--attempts', '2', '--timeout-ms', '500']);
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/no reply after 2 attempts/);
  expect(cluster.node('n1').lines.some((l) => /refused connection from .*/.test(l))).toBe(true);
}, 60_000);

it(`keeps serving after ${FUZZ_MESSAGES.toLocaleString('en-US')} hostile messages and raw garbage`, async () => {
  const config = loadClusterConfig(configFile);
  const n1 = config.nodes[0]!;
  const fuzzer = createTransport({
    self: { kind: 'client', id: 'fuzz' },
    peers: { n1: { host: n1.host, port: n1.port } },
    security: transportSecurity(config.security, { kind: 'client', id: 'fuzz' }),
    onMessage: () => {},
    onLog: () => {},
  });
  await fuzzer.start();
  const rng = new Rng('cluster-security');
  for (let i = 0; i < FUZZ_MESSAGES; i++) {
    expect(fuzzer.send({ kind: 'node', id: 'n1' }, hostileMessage(rng, i))).toBe(true);
    if (i % 500 === 499) await new Promise((r) => setTimeout(r, 10)); // det-ok: a real clock for a real cluster
  }
  await fuzzer.close();
  // Raw bytes at the TLS port: refused before any of them is decoded.
  await Promise.all(
    Array.from({ length: 20 }, (_, c) => new Promise<void>((resolve) => {
      const s = net.connect(n1.port, n1.host, () => s.end(Buffer.from(Array.from({ length: 50 + 40 * c }, () => rng.int(256)))));
      s.resume();
      s.on('error', () => {});
      s.on('close', () => resolve());
    })),
  );
  expect(cluster.nodes.every((n) => n.running)).toBe(true);
  const put = await faultlineClient(configFile, ['{"type":"put","key":"after","value":"fuzz","seq":0}', '--id', 'checker', '--node', 'n1']);
  expect(put).toMatchObject({ code: 0, stdout: '{"type":"put-ok"}\n' });
  const get = await faultlineClient(configFile, ['{"type":"get","key":"after","seq":1}', '--id', 'checker', '--node', 'n1']);
  expect(get).toMatchObject({ code: 0, stdout: '{"type":"get-ok","value":"fuzz"}\n' });
  const lines = cluster.node('n1').lines.join('\n');
  expect(lines).toMatch(/dropped a frame from client fuzz/);
}, 120_000);
