/** `npx tsx examples/kv-cluster/chaos.ts [--seconds N]`: the example with a node killed (SIGKILL) and restarted every 3 s. */
import { runExample } from './example.ts';

const at = process.argv.indexOf('--seconds');
process.exitCode = await runExample({ chaos: true, seconds: at >= 0 ? Number(process.argv[at + 1]) : undefined });
