import { hkdfSync } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { Security } from './types.ts';

/**
 * The byte pipe under the transport for each security model: a server that hands over
 * sockets whose peer has authenticated (TLS handshake done), and a dialer. With `psk` and
 * `tls`, a peer without the key or a valid certificate never gets past the TLS handshake, so
 * none of its bytes ever reach the frame decoder.
 */
export interface Wire {
  /** `onSocket`: an authenticated connection; `onRefused`: one that failed its handshake. */
  createServer(
    handshakeTimeoutMs: number,
    onSocket: (socket: net.Socket) => void,
    onRefused: (remote: string, reason: string) => void,
  ): net.Server;
  /** Connect to node `nodeId`; `onReady` once the peer authenticated (a TLS server must be that node). */
  dial(address: { host: string; port: number }, nodeId: string, onReady: () => void): net.Socket;
  /** For `tls`: why this authenticated socket may not claim to be node `nodeId` (null: it may). */
  nodeIdentityProblem(socket: net.Socket, nodeId: string): string | null;
}

/** Minimum length of a pre-shared key string. */
export const PSK_MIN_CHARS = 16;
/** TLS 1.2 PSK suites, forward-secret ECDHE-PSK first; all are AEAD. */
const PSK_CIPHERS = 'ECDHE-PSK-CHACHA20-POLY1305:PSK-AES256-GCM-SHA384:PSK-CHACHA20-POLY1305:PSK-AES128-GCM-SHA256';
const PSK_IDENTITY = 'faultline';

export function remoteOf(socket: net.Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}

/** The TLS key for a configured pre-shared key string: HKDF-SHA256, 32 bytes. */
export function derivePsk(key: string): Buffer {
  if (key.length < PSK_MIN_CHARS) throw new Error(`psk key must have at least ${PSK_MIN_CHARS} characters`);
  return Buffer.from(hkdfSync('sha256', Buffer.from(key, 'utf8'), 'faultline-net', 'tls-psk-v1', 32));
}

/** The names a certificate vouches for: its subject CN and its DNS subjectAltNames. */
export function certificateNames(cert: tls.PeerCertificate): string[] {
  const names: string[] = [];
  const cn = cert.subject?.CN;
  if (typeof cn === 'string') names.push(cn);
  else if (Array.isArray(cn)) names.push(...(cn as string[]));
  for (const part of (cert.subjectaltname ?? '').split(',')) {
    const t = part.trim();
    if (t.startsWith('DNS:')) names.push(t.slice(4));
  }
  return names;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== undefined && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

export function createWire(security: Security): Wire {
  switch (security.kind) {
    case 'plaintext':
      return plaintextWire();
    case 'psk':
      return pskWire(derivePsk(security.key));
    case 'tls':
      return certificateWire(security);
  }
}

function plaintextWire(): Wire {
  return {
    createServer(_handshakeTimeoutMs, onSocket) {
      return net.createServer({ noDelay: true }, onSocket);
    },
    dial(address, _nodeId, onReady) {
      const s = net.connect({ host: address.host, port: address.port, noDelay: true });
      s.once('connect', onReady);
      return s;
    },
    nodeIdentityProblem: () => null,
  };
}

/**
 * A TLS wire: `server` and `client(nodeId)` are the model's options for each side;
 * `tlsClientError` on the server is a refused peer.
 */
function tlsWire(
  server: tls.TlsOptions,
  client: (nodeId: string) => tls.ConnectionOptions,
  nodeIdentityProblem: Wire['nodeIdentityProblem'],
): Wire {
  return {
    createServer(handshakeTimeoutMs, onSocket, onRefused) {
      const listener = tls.createServer({ ...server, handshakeTimeout: handshakeTimeoutMs }, (s) => {
        s.setNoDelay(true);
        onSocket(s);
      });
      listener.on('tlsClientError', (err, s) => {
        onRefused(remoteOf(s), `TLS handshake failed (${errorText(err)})`);
        s.destroy();
      });
      return listener;
    },
    dial(address, nodeId, onReady) {
      const s = tls.connect({ ...client(nodeId), host: address.host, port: address.port });
      s.setNoDelay(true);
      s.once('secureConnect', onReady);
      return s;
    },
    nodeIdentityProblem,
  };
}

function pskWire(psk: Buffer): Wire {
  const common = { ciphers: PSK_CIPHERS, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;
  return tlsWire(
    { ...common, pskIdentityHint: PSK_IDENTITY, pskCallback: () => psk },
    () => ({ ...common, pskCallback: () => ({ psk, identity: PSK_IDENTITY }), checkServerIdentity: () => undefined }),
    () => null,
  );
}

function certificateWire(security: { ca: string; cert: string; key: string }): Wire {
  const common = { ca: security.ca, cert: security.cert, key: security.key, minVersion: 'TLSv1.2' } as const;
  return tlsWire(
    { ...common, requestCert: true, rejectUnauthorized: true },
    (nodeId) => ({
      ...common,
      rejectUnauthorized: true,
      checkServerIdentity: (_host, cert) =>
        certificateNames(cert).includes(nodeId) ? undefined : new Error(`server certificate does not name node ${nodeId}`),
    }),
    (socket, nodeId) => {
      const cert = (socket as tls.TLSSocket).getPeerCertificate();
      return certificateNames(cert).includes(nodeId) ? null : `certificate does not name node ${nodeId}`;
    },
  );
}
