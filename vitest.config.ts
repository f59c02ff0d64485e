// Three projects (issue 14): `unit` opens no DuckDB database, reads or writes no file and spawns
// nothing; `integration` runs the engine on ../shared samples, catalogues and scratch files; `e2e`
// drives Chromium against `qtw serve`. `vitest run` runs all three. Timing figures live in
// `npm run bench`, never in a test.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
