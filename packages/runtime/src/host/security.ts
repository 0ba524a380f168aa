import * as fs from 'node:fs';
import { PSK_MIN_CHARS, type Endpoint, type Security } from '../net/index.ts';
import { ClusterConfigError, type SecurityConfig } from './config.ts';

/**
 * The transport's security settings for `self`, with the key and certificate files read.
 * A node's TLS certificate and key paths may contain `{id}`; a client uses `clientCert`
 * and `clientKey` when given, else the node paths with `{id}` = `client`.
 */
export function transportSecurity(security: SecurityConfig, self: Endpoint): Security {
  switch (security.kind) {
    case 'plaintext':
      return { kind: 'plaintext' };
    case 'psk': {
      const key = readFile('security.psk', security.keyFile).trim();
      if (key.length < PSK_MIN_CHARS) throw new ClusterConfigError(`security.psk: the key in ${security.keyFile} is shorter than ${PSK_MIN_CHARS} characters`);
      return { kind: 'psk', key };
    }
    case 'tls': {
      const id = self.kind === 'node' ? self.id : 'client';
      const certPath = self.kind === 'client' && security.clientCert !== undefined ? security.clientCert : security.cert;
      const keyPath = self.kind === 'client' && security.clientKey !== undefined ? security.clientKey : security.key;
      return {
        kind: 'tls',
        ca: readFile('security.tls.ca', security.ca),
        cert: readFile('security.tls.cert', certPath.replaceAll('{id}', id)),
        key: readFile('security.tls.key', keyPath.replaceAll('{id}', id)),
      };
    }
  }
}

function readFile(field: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ClusterConfigError(`${field}: cannot read ${file}: ${(err as Error).message}`);
  }
}
