export {
  type Endpoint,
  type Security,
  type TransportOptions,
  type Transport,
  endpointKey,
  formatEndpoint,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_QUEUE_BYTES_PER_PEER,
} from './types.ts';
export { createTransport } from './transport.ts';
export { PSK_MIN_CHARS } from './wire.ts';
