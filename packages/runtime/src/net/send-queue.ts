import type { Socket } from 'node:net';
import { FRAME_HEADER_BYTES } from './frame-decoder.ts';

/**
 * Frames are encoded into slabs, allocated on first use. A queue starts with small slabs (an
 * idle peer costs little) and doubles its slab size, up to the maximum, whenever one flush needs
 * more than one slab (a busy peer gets few, large writes). A bigger frame gets a slab of its own.
 * The maximum stays below malloc's mmap threshold (128 KiB): a bigger slab is fresh pages from
 * the kernel every time (each page faulted in and zeroed on first write, unmapped when freed),
 * which made filling 1 MiB slabs about ten times the CPU of filling 64 KiB ones that malloc
 * recycles (see docs/network.md); a flush of more than one slab is one corked write anyway.
 */
const SLAB_BYTES_MIN = 16 * 1024;
const SLAB_BYTES_MAX = 64 * 1024;

/**
 * One peer's outgoing frames, encoded as they are sent (length header + a copy of the
 * payload) into shared slabs, so that a flush hands the socket a few large buffers: many small
 * frames become one write. The region already handed to a socket is never touched again; the
 * rest of the slab keeps filling. Counts its bytes so the transport can bound it.
 */
export class SendQueue {
  private slab = Buffer.alloc(0);
  private slabBytes = SLAB_BYTES_MIN;
  /** Start of the slab's region not yet handed to a socket, and its end. */
  private start = 0;
  private fill = 0;
  /** Sealed regions (earlier slabs) waiting, oldest first. */
  private sealed: Buffer[] = [];
  private bytes = 0;

  /** Bytes encoded and not yet handed to a socket. */
  get pendingBytes(): number {
    return this.bytes;
  }

  push(payload: Uint8Array): void {
    const need = FRAME_HEADER_BYTES + payload.length;
    if (this.slab.length - this.fill < need) {
      this.seal();
      this.slab = Buffer.allocUnsafe(Math.max(this.slabBytes, need));
      this.start = 0;
      this.fill = 0;
    }
    this.slab.writeUInt32BE(payload.length, this.fill);
    this.slab.set(payload, this.fill + FRAME_HEADER_BYTES);
    this.fill += need;
    this.bytes += need;
  }

  /** Hand everything to `socket` in as few writes as possible. */
  flushTo(socket: Socket): void {
    this.seal();
    const chunks = this.sealed;
    if (chunks.length === 0) return;
    this.sealed = [];
    this.bytes = 0;
    if (chunks.length > 1) this.slabBytes = Math.min(SLAB_BYTES_MAX, this.slabBytes * 2);
    if (chunks.length === 1) {
      socket.write(chunks[0]!);
      return;
    }
    socket.cork();
    for (const c of chunks) socket.write(c);
    socket.uncork();
  }

  /** Forget everything queued (the peer is gone for good). */
  clear(): void {
    this.sealed = [];
    this.start = this.fill;
    this.bytes = 0;
  }

  private seal(): void {
    if (this.fill > this.start) {
      this.sealed.push(this.slab.subarray(this.start, this.fill));
      this.start = this.fill;
    }
  }
}
