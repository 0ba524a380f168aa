#!/usr/bin/env node
// `faultline run` without the command dispatcher: the same runRun(), but starting in about
// a third of the time, because it does not load the simulator that the other commands need.
// The crash test and the benchmark restart nodes dozens of times; users run `faultline run`.
import { register } from 'tsx/esm/api';

register();
const { runRun } = await import('../../packages/cli/src/commands/run.ts');
const { makeOutput } = await import('../../packages/cli/src/io.ts');
const args = process.argv.slice(2);
if (args[0] === 'run') args.shift();
process.exitCode = await runRun(makeOutput({ stdout: process.stdout, stderr: process.stderr, isTTY: false, color: false }), args);
