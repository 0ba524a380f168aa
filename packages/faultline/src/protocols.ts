/** `faultline/protocols`: the protocol library, to read, run and extend. */
export * from '@faultline/protocols';
