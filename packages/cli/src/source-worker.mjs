// A worker thread's entry when faultline runs from its TypeScript sources (its own tests,
// `npm run bench`): registers tsx, then loads the worker module named by the last argument.
// Installed faultline is compiled and its workers start from JavaScript (worker-start.ts).
import { register } from 'tsx/esm/api';

register();
await import(process.argv[process.argv.length - 1]);
