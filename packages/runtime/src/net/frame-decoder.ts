/**
 * A streaming decoder for length-prefixed frames: a big-endian u32 payload length, then the
 * payload. Feed it socket chunks of any size, split anywhere; it calls `onFrame` once per
 * complete frame, in order. Whole frames inside a chunk are handed out as views of that chunk
 * (no copy); a frame split across chunks is assembled in a buffer of exactly its size, which
 * is only allocated after its length passed the limit check.
 */
export const FRAME_HEADER_BYTES = 4;

export class FrameDecoder {
  private readonly header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFill = 0;
  private body: Buffer | null = null;
  private bodyFill = 0;
  private stopped = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly onFrame: (payload: Buffer) => void,
  ) {}

  /** Stop decoding: the rest of the current chunk and every later one are ignored. */
  stop(): void {
    this.stopped = true;
  }

  /** True when no partial frame is buffered (the stream ended on a frame boundary). */
  get idle(): boolean {
    return this.headerFill === 0 && this.body === null;
  }

  /** Decode `chunk`; returns a reason when the stream is malformed (and stops), else null. */
  push(chunk: Buffer): string | null {
    let off = 0;
    while (off < chunk.length && !this.stopped) {
      if (this.body !== null) {
        const take = Math.min(this.body.length - this.bodyFill, chunk.length - off);
        chunk.copy(this.body, this.bodyFill, off, off + take);
        this.bodyFill += take;
        off += take;
        if (this.bodyFill === this.body.length) {
          const frame = this.body;
          this.body = null;
          this.onFrame(frame);
        }
        continue;
      }
      let length: number;
      if (this.headerFill === 0 && chunk.length - off >= FRAME_HEADER_BYTES) {
        length = chunk.readUInt32BE(off);
        off += FRAME_HEADER_BYTES;
      } else {
        const take = Math.min(FRAME_HEADER_BYTES - this.headerFill, chunk.length - off);
        chunk.copy(this.header, this.headerFill, off, off + take);
        this.headerFill += take;
        off += take;
        if (this.headerFill < FRAME_HEADER_BYTES) return null;
        this.headerFill = 0;
        length = this.header.readUInt32BE(0);
      }
      if (length > this.maxFrameBytes) {
        this.stopped = true;
        return `frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte limit`;
      }
      if (chunk.length - off >= length) {
        const frame = chunk.subarray(off, off + length);
        off += length;
        this.onFrame(frame);
      } else {
        this.body = Buffer.allocUnsafe(length);
        this.bodyFill = 0;
      }
    }
    return null;
  }
}
