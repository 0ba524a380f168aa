export { KenNode } from './ken-node.ts';
export { DEFAULT_KEN_OPTIONS, resolveKenOptions, type KenOptions } from './options.ts';
export type { KenOutput, KenObservation } from './outputs.ts';
export { isKenFrame, type KenFrame } from './frames.ts';
export {
  initialKenState,
  unackedCount,
  ackedSeq,
  type KenState,
  type OutChannel,
  type UnackedMessage,
  type RequestAnswer,
} from './ken-state.ts';
export { RequestCache, type RequestNote } from './request-cache.ts';
export type { KenStats } from './stats.ts';
export type { CheckpointStore } from './store.ts';
export { SimDisk, type SimDiskCounters } from './sim-disk.ts';
export { FileStore } from './file-store.ts';
export { CheckpointCorruptError, KenOutboxFullError, KenUsageError } from './errors.ts';
export { crc32, crc32Update } from './crc32.ts';
export {
  frameRecord,
  readRecord,
  scanRecords,
  RECORD_HEADER_BYTES,
  RECORD_PAYLOAD_BYTES_MAX,
  type RecordRead,
  type LogScan,
} from './record-codec.ts';
export {
  encodeCheckpointRecord,
  encodeTurnRecord,
  decodeCheckpointRecord,
  replayRecords,
  type CheckpointRecord,
  type PatchGroup,
  type Replayed,
} from './checkpoint-record.ts';
export { kenHostLayer, type KenHostLayerOptions } from './host-layer.ts';
