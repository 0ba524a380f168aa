/**
 * A streaming decoder for length-prefixed frames: a big-endian u32 payload length, then the
 * payload. Feed it socket chunks of any size, split anywhere; it calls `onFrame` once per
 * complete frame, in order. Whole frames inside a chunk are handed out as views of that chunk
 * (no copy); the parts of a frame split across chunks are kept until the last one arrives and
 * then joined, so that memory follows the bytes actually received, never a declared length.
 * The limit can be changed between frames (a connection allows only a small hello first).
 */
export const FRAME_HEADER_BYTES = 4;

export class FrameDecoder {
  private readonly header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFill = 0;
  /** The parts received so far of a frame of `bodyLength` bytes (-1: none in progress). */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private bodyLength = -1;
  private stopped = false;

  constructor(
    public maxFrameBytes: number,
    private readonly onFrame: (payload: Buffer) => void,
  ) {}

  /** Stop decoding: the rest of the current chunk and every later one are ignored. */
  stop(): void {
    this.stopped = true;
  }

  /** True when no partial frame is buffered (the stream ended on a frame boundary). */
  get idle(): boolean {
    return this.headerFill === 0 && this.bodyLength < 0;
  }

  /** Decode `chunk`; returns a reason when the stream is malformed (and stops), else null. */
  push(chunk: Buffer): string | null {
    let off = 0;
    while (off < chunk.length && !this.stopped) {
      if (this.bodyLength >= 0) {
        const take = Math.min(this.bodyLength - this.partsBytes, chunk.length - off);
        this.parts.push(chunk.subarray(off, off + take));
        this.partsBytes += take;
        off += take;
        if (this.partsBytes === this.bodyLength) {
          const frame = Buffer.concat(this.parts, this.bodyLength);
          this.parts = [];
          this.partsBytes = 0;
          this.bodyLength = -1;
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
        this.bodyLength = length;
      }
    }
    return null;
  }
}
