#!/usr/bin/env node
// The `faultline` command. Registers tsx so that faultline's TypeScript sources, and a
// user's own `.ts` protocol or scenario module, load with no build step.
import { register } from 'tsx/esm/api';

register();

// `faultline replay ... --trace | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });

const { main } = await import('../src/main.ts');
const env = process.env;
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stderr.isTTY),
  color: env.NO_COLOR ? false : env.FORCE_COLOR !== undefined ? env.FORCE_COLOR !== '0' : Boolean(process.stdout.isTTY),
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
});
