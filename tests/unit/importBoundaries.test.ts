import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The layering that eslint.config.mjs enforces: the tree keeps it, and a file that breaks it is caught. ESLint runs as
 * `npm run lint` does, in a process of its own (it loads its configuration as an ES module, which jest's VM cannot).
 */
describe('import boundaries', () => {
  const eslintBin = path.join(process.cwd(), 'node_modules', 'eslint', 'bin', 'eslint.js');
  const eslint = (args: string[], input?: string) => {
    const run = spawnSync(process.execPath, [eslintBin, '--format', 'json', ...args], { input, encoding: 'utf8' });
    return (JSON.parse(run.stdout) as { filePath: string; messages: { line: number; message: string }[] }[]).flatMap((r) =>
      r.messages.map((m) => `${path.relative(process.cwd(), r.filePath)}:${m.line} ${m.message}`),
    );
  };
  const lintAs = (filePath: string, text: string) => eslint(['--stdin', '--stdin-filename', filePath], text);

  it('hold across the tree', () => {
    expect(eslint(['domain', 'workflows', 'entities', 'platform', 'dev', 'activities', 'api'])).toEqual([]);
  }, 60_000);

  it('refuse I/O and feature code in a workflow, but not the types of its activities', () => {
    const found = lintAs(
      'workflows/example.ts',
      "import { DataSource } from 'typeorm';\nimport { readRecordActivity } from '../activities/recordTransition';\nimport type { Activities } from '../activities';\nimport { decide } from '../domain/lifecycle';\nexport const used: unknown[] = [DataSource, readRecordActivity, decide, null as unknown as Activities];\n",
    );
    expect(found).toEqual([
      expect.stringMatching(/^workflows\/example.ts:1 .*Workflows do no I\/O/),
      expect.stringMatching(/^workflows\/example.ts:2 .*Workflows import only domain\//),
    ]);
  }, 60_000);

  it('refuse anything above domain/ in domain/', () => {
    const found = lintAs(
      'domain/example.ts',
      "import { Recommendation } from '../entities';\nimport { Client } from 'pg';\nexport const used: unknown[] = [Recommendation, Client];\n",
    );
    expect(found).toEqual([
      expect.stringMatching(/^domain\/example.ts:1 .*domain\/ imports only domain\//),
      expect.stringMatching(/^domain\/example.ts:2 .*domain\/ does no I\/O/),
    ]);
  }, 60_000);

  it('refuse anything above domain/ in a folder of domain/, but not domain/ itself', () => {
    const found = lintAs(
      'domain/lifecycle/example.ts',
      "import { Recommendation } from '../../entities';\nimport { Client } from 'pg';\nimport { isIsoDate } from '../vocabulary';\nexport const used: unknown[] = [Recommendation, Client, isIsoDate];\n",
    );
    expect(found).toEqual([
      expect.stringMatching(/^domain\/lifecycle\/example.ts:1 .*domain\/ imports only domain\//),
      expect.stringMatching(/^domain\/lifecycle\/example.ts:2 .*domain\/ does no I\/O/),
    ]);
  }, 60_000);

  it('refuse a feature or the wiring in platform/, and laptop-only code in a feature', () => {
    expect(lintAs('platform/http/example.ts', "import { buildApp } from '../../api/server';\nexport const used = buildApp;\n")).toEqual([
      expect.stringMatching(/^platform\/http\/example.ts:1 .*platform\/ is shared infrastructure/),
    ]);
    expect(
      lintAs('api/people/example.ts', "import { startSmtpSink } from '../../dev/smtpSink';\nexport const used = startSmtpSink;\n"),
    ).toEqual([expect.stringMatching(/^api\/people\/example.ts:1 .*features know no wiring/)]);
  }, 60_000);

  /** ESLint's Node API on text held in memory, named as a file of the tree, in a process of its own (see above). */
  const lintText = (filePath: string, text: string) => {
    const script = `const { ESLint } = require('eslint');
      new ESLint({ cwd: process.argv[1] }).lintText(process.argv[2], { filePath: process.argv[3] }).then((results) => process.stdout.write(JSON.stringify(results)));`;
    const run = spawnSync(process.execPath, ['-e', script, process.cwd(), text, path.join(process.cwd(), filePath)], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    return (JSON.parse(run.stdout) as { messages: { line: number; ruleId: string; message: string }[] }[]).flatMap((r) =>
      r.messages.map((m) => `${m.line} ${m.ruleId}: ${m.message}`),
    );
  };

  it('refuse a feature importing one that featureDependencies does not give it, even as a type; the wiring only as types', () => {
    const found = lintText(
      'api/evidence/example.ts',
      [
        "import type { RecommendationView } from '../recommendations/service';",
        "import { ApiDependencies } from '../dependencies';",
        "import type { AdminContext } from '../adminContext';",
        "import { fileSize } from '../../platform/web/fileSize';",
        'export const used: unknown[] = [fileSize, null as unknown as RecommendationView, null as unknown as ApiDependencies, null as unknown as AdminContext];',
        '',
      ].join('\n'),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^1 @typescript-eslint\/no-restricted-imports: '..\/recommendations\/service' .*api\/evidence\/ may import only these features: none/,
      ),
      expect.stringMatching(/^2 @typescript-eslint\/no-restricted-imports: '..\/dependencies' .*Import type/),
    ]);
  }, 60_000);

  it("let a feature import what featureDependencies gives it, and hold a file one folder down to its feature's list", () => {
    expect(
      lintText('api/tasks/example.ts', "import { listItem } from '../recommendations/service';\nexport const used = listItem;\n"),
    ).toEqual([]);
    expect(
      lintText(
        'api/papers/render/example.ts',
        "import { itemName } from '../../recommendations/scrutiny';\nexport const used = itemName;\n",
      ),
    ).toEqual([expect.stringMatching(/^1 .*api\/papers\/ may import only these features: audit/)]);
  }, 60_000);
});
