export {
  loadClusterConfig,
  parseClusterConfig,
  nodeAddress,
  ClusterConfigError,
  type ClusterConfig,
  type NodeAddress,
  type SecurityConfig,
  type ProtocolChoice,
} from './config.ts';
export { transportSecurity } from './security.ts';
export type { NodeLayer, LayerOutput, LayerSetup, LayerFactory } from './layer.ts';
export { plainLayer } from './plain-layer.ts';
export { startNode, type StartNodeOptions, type RunningNode, type PeerStatus } from './node.ts';
export { ClusterClient, ClientTimeoutError, type ClientOptions, type ClientReply } from './client.ts';
export { encodeWire, decodeWire, type Wire } from './wire.ts';
export { realTurnHost } from './real-host.ts';
export { joinCluster, type JoinOptions } from './join.ts';
