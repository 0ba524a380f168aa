import type { Endpoint } from './types.ts';

/**
 * The first frame on every connection, in both directions: who this end is. Layout: the
 * magic `FLT1`, one byte for the kind (1 node, 2 client), then the id in UTF-8. An id is 1 to
 * 128 characters from [A-Za-z0-9._:@-], so that it is safe to print in a log line.
 */
const MAGIC = Buffer.from('FLT1', 'latin1');
const KIND_NODE = 1;
const KIND_CLIENT = 2;
const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
/** The frame limit before the hello: an unauthenticated peer cannot make a node buffer more. */
export const HELLO_MAX_BYTES = 256;

export function isValidEndpointId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function encodeHello(self: Endpoint): Buffer {
  const id = Buffer.from(self.id, 'utf8');
  const out = Buffer.allocUnsafe(MAGIC.length + 1 + id.length);
  MAGIC.copy(out, 0);
  out[MAGIC.length] = self.kind === 'node' ? KIND_NODE : KIND_CLIENT;
  id.copy(out, MAGIC.length + 1);
  return out;
}

/** The endpoint a hello names, or a reason it is not a hello. */
export function decodeHello(frame: Buffer): Endpoint | string {
  if (frame.length < MAGIC.length + 2 || !frame.subarray(0, MAGIC.length).equals(MAGIC)) {
    return 'first frame is not a faultline hello';
  }
  const kindByte = frame[MAGIC.length];
  const id = frame.toString('latin1', MAGIC.length + 1);
  if (!isValidEndpointId(id)) return 'hello names an invalid id';
  if (kindByte === KIND_NODE) return { kind: 'node', id };
  if (kindByte === KIND_CLIENT) return { kind: 'client', id };
  return `hello names an unknown endpoint kind ${kindByte}`;
}
