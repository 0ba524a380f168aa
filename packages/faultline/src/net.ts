/** `faultline/net`: the real-network transport (TCP/TLS). */
export * from '@faultline/runtime/net';
