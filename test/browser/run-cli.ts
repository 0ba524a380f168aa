import { main } from '@faultline/cli';

/** Runs `faultline <argv>` in-process, quietly, on one thread; returns its exit code and output. */
export async function faultline(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, isTTY: false, env: {}, workers: 1 });
  return { code, stdout, stderr };
}
