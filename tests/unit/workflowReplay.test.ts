import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { workflowBundlerOptions, workflowsPath } from '../../bin/workflowBundle';

/**
 * Replays histories recorded from real runs (tests/replay/histories) through the current workflow code. A change
 * that would break workflows already running in a force (a different sequence of activities, timers or
 * continue-as-new) fails here; such a change must go behind `patched()`.
 */
describe('recorded workflow histories replay on the current code', () => {
  const folder = path.join(__dirname, '..', 'replay', 'histories');
  const files = fs.readdirSync(folder).filter((f) => f.endsWith('.json'));

  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it('replays every one without nondeterminism', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'))),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowsPath, bundlerOptions: workflowBundlerOptions, replayName: 'replay-test' },
      histories,
    )) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
