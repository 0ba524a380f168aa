/** `npm run cluster [-- --chaos] [-- --seconds N]`: see README.md. */
import { runExample } from './example.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--seconds');
const seconds = at >= 0 ? Number(args[at + 1]) : undefined;
if (seconds !== undefined && !(seconds > 0)) {
  console.error('--seconds needs a positive number');
  process.exit(2);
}
process.exitCode = await runExample({ chaos: args.includes('--chaos'), seconds });
