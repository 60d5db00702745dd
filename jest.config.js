/**
 * Four projects: unit tests need nothing running; integration and e2e tests share one set of real services per run;
 * cluster starts the production topology as processes (dev/cluster.ts) once, for its own file.
 */
// ES-module-only packages: Node 20 loads them with require() (the built product does), jest's module registry does
// not before Node 24.9, so under jest they are compiled to CommonJS like our TypeScript.
const esmOnly = ['openid-client', 'oauth4webapi', 'jose'];
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: [
    'ts-jest',
    { tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs', target: 'ES2022' } },
  ],
};
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnly.join('|')})/)`];

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/tests/support/summaryReporter.js'],
  // Integration tests wait for real timers, emails and workflows; project configs cannot set this.
  testTimeout: 60_000,
  // Each test file starts products in the test process; on two cores jest would run every file in one process, whose
  // heap then grows file by file until it fails. Run files in a worker instead, replaced once it holds more than this:
  // a guard now, as the growth found (docs/testing.md) is fixed, but a handle Node keeps would hold a whole file again.
  workerIdleMemoryLimit: '1GB',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/support/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
    },
    {
      // A real browser (Debian's Chromium, /usr/bin/chromium) against the product started as integration tests start it.
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/support/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
    },
    {
      // The Temporal server on PostgreSQL, two api processes and two workers, SMTP with STARTTLS and AUTH; faults injected.
      displayName: 'cluster',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/tests/cluster/**/*.test.ts'],
    },
  ],
};
