import { defineConfig } from 'vitest/config';

/** One vitest project per package, plus the cross-package tests in test/. */
const project = (name: string, dir: string, timeoutMs = 30_000) => ({
  extends: true as const,
  test: { name, include: [`${dir}/**/*.test.ts`], exclude: ['**/node_modules/**'], testTimeout: timeoutMs },
});

/**
 * faultline's packages resolve to their TypeScript sources in its own tests (the
 * `@faultline/source` export condition); installed, they resolve to the compiled dist/.
 */
const conditions = ['@faultline/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      project('runtime', 'packages/runtime'),
      project('simulator', 'packages/simulator'),
      project('ken-checkpoint', 'packages/ken-checkpoint', 60_000),
      project('protocols', 'packages/protocols', 120_000),
      project('cli', 'packages/cli', 60_000),
      project('testing', 'packages/testing', 60_000),
      project('cross-package', 'test', 120_000),
    ],
  },
});
