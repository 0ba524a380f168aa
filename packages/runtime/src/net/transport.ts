import type { Transport, TransportOptions } from './types.ts';

/** Placeholder while the implementation lands; the signature is final. */
export function createTransport(o: TransportOptions): Transport {
  void o;
  throw new Error('createTransport: not implemented yet');
}
