// Import boundaries only, for now: the layering rules a newcomer could break without noticing (see docs/architecture.md).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const infrastructure = [
  'typeorm',
  'pg',
  'express',
  'nodemailer',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  'node:*',
];

/** Relative imports of these top-level folders, from any depth below the root. */
const folders = (...names) => names.flatMap((name) => ['../', '../../', '../../../'].flatMap((up) => [`${up}${name}`, `${up}${name}/*`]));
const above = (from, names, reason) => ({
  files: [`${from}/**/*.ts`],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: folders(...names), message: `${from}/ ${reason}` }] }] },
});

/**
 * Which other api features each feature may import: the feature DAG of docs/architecture.md. What several features
 * need moves down (platform/, domain/, or the lower feature); a lower feature that needs a higher one is handed it
 * by api/server.ts. Every folder under api/ must be listed, and the map must stay acyclic.
 */
export const featureDependencies = {
  audit: [],
  comments: [],
  evidence: [],
  health: [],
  openapi: [],
  people: [],
  auth: ['people'],
  setup: ['auth', 'people'],
  attachments: ['evidence'],
  recommendations: ['attachments', 'audit', 'comments', 'evidence'],
  approvals: ['comments', 'recommendations'],
  bulk: ['recommendations'],
  consistency: ['recommendations'],
  dashboard: ['recommendations'],
  imports: ['people', 'recommendations'],
  reports: ['recommendations'],
  schedule: ['recommendations'],
  tasks: ['recommendations'],
  papers: ['audit'],
  actionLinks: ['auth', 'recommendations'],
  administration: ['audit', 'consistency', 'papers', 'people', 'recommendations', 'reports'],
};

const apiFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'api');
const features = fs
  .readdirSync(apiFolder, { withFileTypes: true })
  .filter(
    (e) => e.isDirectory() && fs.readdirSync(path.join(apiFolder, e.name), { recursive: true }).some((f) => String(f).endsWith('.ts')),
  )
  .map((e) => e.name);
for (const feature of features)
  if (!(feature in featureDependencies))
    throw new Error(`eslint.config.mjs: add api/${feature} to featureDependencies, with the features it may import.`);
const visiting = [];
const acyclic = (feature) => {
  if (visiting.includes(feature))
    throw new Error(
      `eslint.config.mjs: featureDependencies has a cycle: ${[...visiting.slice(visiting.indexOf(feature)), feature].join(' -> ')}`,
    );
  visiting.push(feature);
  for (const next of featureDependencies[feature] ?? []) acyclic(next);
  visiting.pop();
};
Object.keys(featureDependencies).forEach(acyclic);

/** Relative imports of a sibling of the feature folder (api/<name>), from the feature's files and one folder down. */
const siblings = (...names) => names.flatMap((name) => ['../', '../../'].flatMap((up) => [`${up}${name}`, `${up}${name}/*`]));
const featureRules = Object.entries(featureDependencies).map(([feature, allowed]) => {
  const others = features.filter((f) => f !== feature && !allowed.includes(f));
  return {
    files: [`api/${feature}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(others.length
              ? [
                  {
                    group: siblings(...others),
                    message: `api/${feature}/ may import only these features: ${allowed.join(', ') || 'none'} (featureDependencies in eslint.config.mjs).`,
                  },
                ]
              : []),
            { group: siblings('server'), message: 'api/server.ts is the wiring: a feature never imports it.' },
            {
              group: siblings('dependencies', 'adminContext'),
              allowTypeImports: true,
              message: 'Import type: the wiring builds these and hands them to the feature.',
            },
          ],
        },
      ],
    },
  };
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
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*'], message: 'domain/ imports only domain/.' },
            { group: infrastructure, message: 'domain/ does no I/O.' },
          ],
        },
      ],
    },
  },
  {
    // The same one folder down (domain/lifecycle/): up to domain/ is fine, above it is not.
    files: ['domain/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../../*'], message: 'domain/ imports only domain/.' },
            { group: infrastructure, message: 'domain/ does no I/O.' },
          ],
        },
      ],
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
            {
              group: ['../*', '!../domain', '!../domain/*'],
              allowTypeImports: true,
              message: 'Workflows import only domain/ and their own messages (types of activities excepted).',
            },
            { group: infrastructure, message: 'Workflows do no I/O: that is what activities are for.' },
          ],
        },
      ],
    },
  },
  // The layers above domain/, lowest first (docs/architecture.md): each imports only what sits below it.
  above(
    'entities',
    ['platform', 'activities', 'workflows', 'api', 'dev', 'bin', 'demo'],
    'is the database layer: it imports only domain/ and itself.',
  ),
  above(
    'platform',
    ['activities', 'workflows', 'api', 'dev', 'bin', 'demo'],
    'is shared infrastructure: no feature, Temporal code or wiring above it.',
  ),
  above('dev', ['activities', 'workflows', 'api', 'bin', 'demo'], 'holds what only a laptop run needs: it knows no feature.'),
  above('activities', ['api', 'dev', 'bin', 'demo'], 'runs in the worker: it knows no HTTP feature and no wiring.'),
  above('api', ['dev', 'bin', 'demo'], 'features know no wiring and nothing laptop-only: bin/ passes those in.'),
  ...featureRules,
);
