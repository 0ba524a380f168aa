import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadClusterConfig, parseClusterConfig } from '../../src/host/config.ts';
import { transportSecurity } from '../../src/host/security.ts';

const good = {
  nodes: [
    { id: 'n1', address: '127.0.0.1:7001' },
    { id: 'n2', address: '[::1]:7002' },
  ],
  protocol: { name: 'primary-backup', options: { founders: ['n1', 'n2'] } },
  security: { psk: 'keys/cluster.key' },
};

const problem = (patch: Record<string, unknown>) => () => parseClusterConfig({ ...good, ...patch }, '/base', 'c.json');

describe('cluster config', () => {
  it('reads nodes, protocol and security, resolving paths against the config directory', () => {
    const c = parseClusterConfig(good, '/base');
    expect(c.nodes).toEqual([
      { id: 'n1', host: '127.0.0.1', port: 7001 },
      { id: 'n2', host: '::1', port: 7002 },
    ]);
    expect(c.protocol).toEqual({ name: 'primary-backup', bug: undefined, options: { founders: ['n1', 'n2'] } });
    expect(c.security).toEqual({ kind: 'psk', keyFile: path.resolve('/base', 'keys/cluster.key') });
    expect(parseClusterConfig({ ...good, protocol: 'bank', security: { plaintext: true } }, '/b').protocol).toEqual({ name: 'bank', options: {} });
  });

  it('names the field that is wrong', () => {
    expect(problem({ nodes: [] })).toThrow(/c.json: nodes must be a non-empty array/);
    expect(problem({ nodes: [{ id: 'n1', address: 'localhost' }] })).toThrow(/nodes\[0\]\.address must be "host:port"/);
    expect(problem({ nodes: [{ id: 'n1', address: 'h:1' }, { id: 'n1', address: 'h:2' }] })).toThrow(/nodes\[1\]\.id repeats 'n1'/);
    expect(problem({ nodes: [{ id: 'n 1', address: 'h:1' }] })).toThrow(/nodes\[0\]\.id must be a name/);
    expect(problem({ protocol: { name: '' } })).toThrow(/protocol\.name/);
    expect(problem({ security: { plaintext: 'yes' } })).toThrow(/security\.plaintext must be true/);
    expect(problem({ security: {} })).toThrow(/security must be .* exactly one/);
    expect(problem({ security: { tls: { ca: 'ca.pem', cert: 'c.pem' } } })).toThrow(/security\.tls\.key must be a file path/);
    expect(problem({ security: { kerberos: 1 } })).toThrow(/security\.kerberos is not a security kind/);
    expect(problem({ extra: 1 })).toThrow(/extra is not a known field/);
  });

  it('reads the key file, and refuses a short key or a missing file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-config-'));
    try {
      fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify({ ...good, security: { psk: 'k' } }));
      const c = loadClusterConfig(path.join(dir, 'cluster.json'));
      const self = { kind: 'node', id: 'n1' } as const;
      expect(() => transportSecurity(c.security, self)).toThrow(/security\.psk: cannot read/);
      fs.writeFileSync(path.join(dir, 'k'), 'short\n');
      expect(() => transportSecurity(c.security, self)).toThrow(/shorter than 16/);
      fs.writeFileSync(path.join(dir, 'k'), '0123456789abcdef0123\n');
      expect(transportSecurity(c.security, self)).toEqual({ kind: 'psk', key: '0123456789abcdef0123' });
      fs.writeFileSync(path.join(dir, 'bad.json'), '{ nodes');
      expect(() => loadClusterConfig(path.join(dir, 'bad.json'))).toThrow(/bad.json is not valid JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
