/** `faultline/cli`: the faultline command, callable in-process (main). */
export * from '@faultline/cli';
