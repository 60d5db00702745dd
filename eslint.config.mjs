// Import boundaries only, for now: the layering rules a newcomer could break without noticing (see docs/architecture.md).
import tseslint from 'typescript-eslint';

const infrastructure = ['typeorm', 'pg', 'express', 'nodemailer', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'node:*'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.bench-build/**', 'artifacts/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
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
    plugins: { '@typescript-eslint': tseslint.plugin },
  },
);
