/**
 * Mutual TLS. The certificates are made for each run with the `openssl` command-line tool
 * (/usr/bin/openssl on the development machine; any OpenSSL 1.1+ or 3.x on PATH works) into
 * a temporary directory: a test CA, node certificates naming their id in CN and
 * subjectAltName, a client certificate, and a second, unrelated CA.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FrameDecoder } from '../../src/net/frame-decoder.ts';
import type { Security } from '../../src/net/index.ts';
import { client, closeAfterEach, node, startProbe, texts, waitUntil, type Probe } from './harness.ts';

let dir = '';
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

function makeCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`);
}

function makeCert(ca: string, id: string, file = id): void {
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${file}.key`, '-out', `${file}.csr`, '-subj', `/CN=${id}`);
  fs.writeFileSync(path.join(dir, `${file}.ext`), `subjectAltName=DNS:${id}\n`);
  openssl('x509', '-req', '-in', `${file}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-out', `${file}.pem`, '-days', '2', '-extfile', `${file}.ext`);
}

const security = (ca: string, file: string): Security => ({
  kind: 'tls', ca: read(`${ca}.pem`), cert: read(`${file}.pem`), key: read(`${file}.key`),
});

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-net-tls-'));
  makeCa('ca');
  makeCa('rogue-ca');
  for (const id of ['n1', 'n2', 'n3', 'c-1']) makeCert('ca', id);
  makeCert('rogue-ca', 'n1', 'rogue-n1');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const track = closeAfterEach();

async function startN2(): Promise<Probe> {
  const b = await startProbe(node('n2'), { n1: 1 }, security('ca', 'n2'));
  track(b);
  return b;
}

describe('mutual TLS', () => {
  it('connects nodes with certificates from the cluster CA, and clients with theirs', async () => {
    const b = await startN2();
    const a = await startProbe(node('n1'), { n2: b.port }, security('ca', 'n1'));
    const c = await startProbe(client('c-1'), { n2: b.port }, security('ca', 'c-1'));
    track(a, c);
    a.t.send(node('n2'), Buffer.from('from n1'));
    c.t.send(node('n2'), Buffer.from('from c-1'));
    await waitUntil(() => b.received.length === 2, 'both arrive');
    b.t.send(node('n1'), Buffer.from('to n1'));
    b.t.send(client('c-1'), Buffer.from('to c-1'));
    await waitUntil(() => a.received.length === 1 && c.received.length === 1, 'both answered');
    expect(texts(b).sort()).toEqual(['from c-1', 'from n1']);
    expect([texts(a), texts(c)]).toEqual([['to n1'], ['to c-1']]);
  });

  it('refuses a certificate from another CA during the handshake, before decoding anything', async () => {
    const b = await startN2();
    const decoded = vi.spyOn(FrameDecoder.prototype, 'push');
    const rogue = await startProbe(node('n1'), { n2: b.port }, security('ca', 'rogue-n1'));
    rogue.t.send(node('n2'), Buffer.from('forged'));
    await waitUntil(() => b.logs.length >= 1, 'refused');
    await rogue.t.close();
    expect(decoded).not.toHaveBeenCalled();
    expect(b.received).toEqual([]);
    expect(b.logs[0]).toMatch(/refused connection from .*: TLS handshake failed/);
  });

  it("refuses a node whose certificate does not name the id its hello claims", async () => {
    const b = await startN2();
    const liar = await startProbe(node('n1'), { n2: b.port }, security('ca', 'n3'));
    liar.t.send(node('n2'), Buffer.from('forged'));
    await waitUntil(() => b.logs.length >= 1, 'refused');
    await liar.t.close();
    expect(b.received).toEqual([]);
    expect(b.logs[0]).toMatch(/hello claims node n1 but its certificate does not name node n1/);
  });

  it('refuses to talk to a server whose certificate names another node', async () => {
    const impostor = await startProbe(node('n2'), { n1: 1 }, security('ca', 'n3'));
    track(impostor);
    const a = await startProbe(node('n1'), { n2: impostor.port }, security('ca', 'n1'));
    track(a);
    a.t.send(node('n2'), Buffer.from('secret'));
    await waitUntil(() => a.logs.length >= 1, 'dial refused');
    expect(a.logs[0]).toMatch(/cannot reach node n2 at .*server certificate does not name node n2/);
    expect(impostor.received).toEqual([]);
  });
});
