/** `faultline/testing`: faultline in your own vitest tests: simTest and fast-check arbitraries. */
export * from '@faultline/testing';
