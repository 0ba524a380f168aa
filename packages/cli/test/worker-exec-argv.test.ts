import { describe, expect, it } from 'vitest';
import { compiledExecArgv } from '../src/worker-start.ts';

describe('compiled workers start without the parent source-run flags', () => {
  it("drops tsx's loader and the source condition, in every spelling, and keeps the rest", () => {
    const parent = [
      '--require', '/p/node_modules/tsx/dist/preflight.cjs',
      '--import', 'file:///p/node_modules/tsx/dist/loader.mjs',
      '--conditions=@faultline/source',
      '-C', '@faultline/source',
      '--max-old-space-size=4096',
      '--import', 'file:///p/my-hooks.mjs',
      '--conditions=custom',
    ];
    expect(compiledExecArgv(parent)).toEqual(['--max-old-space-size=4096', '--import', 'file:///p/my-hooks.mjs', '--conditions=custom']);
  });

  it('keeps a parent with no such flags as it is', () => {
    expect(compiledExecArgv(['--enable-source-maps'])).toEqual(['--enable-source-maps']);
    expect(compiledExecArgv([])).toEqual([]);
  });
});
