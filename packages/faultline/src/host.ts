/** `faultline/host`: running a service as a node of a real cluster. */
export * from '@faultline/runtime/host';
