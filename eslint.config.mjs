// Import boundaries only, for now: the layering rules a newcomer could break without noticing (see docs/architecture.md).
import tseslint from 'typescript-eslint';

const infrastructure = ['typeorm', 'pg', 'express', 'nodemailer', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'node:*'];

/** Relative imports of these top-level folders, from any depth below the root. */
const folders = (...names) => names.flatMap((name) => ['../', '../../', '../../../'].flatMap((up) => [`${up}${name}`, `${up}${name}/*`]));
const above = (from, names, reason) => ({
  files: [`${from}/**/*.ts`],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: folders(...names), message: `${from}/ ${reason}` }] }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.bench-build/**', 'artifacts/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
  },
  {
    // Pure rules: no I/O, nothing above them.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*'], message: 'domain/ imports only domain/.' }, { group: infrastructure, message: 'domain/ does no I/O.' }] }],
    },
  },
  {
    // The same one folder down (domain/lifecycle/): up to domain/ is fine, above it is not.
    files: ['domain/*/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../../*'], message: 'domain/ imports only domain/.' }, { group: infrastructure, message: 'domain/ does no I/O.' }] }],
    },
  },
  {
    // Deterministic code: domain/, its own messages and the workflow SDK; types of the activities it calls are fine.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*', '!../domain', '!../domain/*'], allowTypeImports: true, message: 'Workflows import only domain/ and their own messages (types of activities excepted).' },
            { group: infrastructure, message: 'Workflows do no I/O: that is what activities are for.' },
          ],
        },
      ],
    },
  },
  // The layers above domain/, lowest first (docs/architecture.md): each imports only what sits below it.
  above('entities', ['platform', 'activities', 'workflows', 'api', 'dev', 'bin', 'demo'], 'is the database layer: it imports only domain/ and itself.'),
  above('platform', ['activities', 'workflows', 'api', 'dev', 'bin', 'demo'], 'is shared infrastructure: no feature, Temporal code or wiring above it.'),
  above('dev', ['activities', 'workflows', 'api', 'bin', 'demo'], 'holds what only a laptop run needs: it knows no feature.'),
  above('activities', ['api', 'dev', 'bin', 'demo'], 'runs in the worker: it knows no HTTP feature and no wiring.'),
  above('api', ['dev', 'bin', 'demo'], 'features know no wiring and nothing laptop-only: bin/ passes those in.'),
);
