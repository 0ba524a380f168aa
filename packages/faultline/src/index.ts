/** `faultline`: the Service API: Service, defineProtocol, properties, the context and history types. */
export * from '@faultline/runtime';
