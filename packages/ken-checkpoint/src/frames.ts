/**
 * What Ken peers send each other. `ack` is always the sender's durable delivered cursor
 * for the receiver's messages: every message up to it was handled in a turn that is on
 * disk, so the receiver may forget them.
 */
export type KenFrame =
  | { readonly ken: 'data'; readonly seq: number; readonly ack: number; readonly msg: unknown }
  | { readonly ken: 'ack'; readonly ack: number };

function isCount(n: unknown, min: number): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= min;
}

/** True when `f` is a well-formed frame (anything may arrive off a real network). */
export function isKenFrame(f: unknown): f is KenFrame {
  if (f === null || typeof f !== 'object') return false;
  const x = f as Record<string, unknown>;
  if (x.ken === 'ack') return isCount(x.ack, 0);
  if (x.ken === 'data') return isCount(x.seq, 1) && isCount(x.ack, 0) && 'msg' in x;
  return false;
}
