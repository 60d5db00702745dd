import { QueryRejectedError } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { classify, describeRecord, differingFields, mapWithConcurrency, stableJson } from '../../api/consistency/compare';
import { startPeriodicConsistencyCheck } from '../../api/consistency/periodic';
import { ConsistencyCheck, type ConsistencyReport } from '../../api/consistency/service';
import type { Logger } from '../../platform/logger';
import type { WorkflowRecord } from '../../workflows/messages';
import { reportAsText } from '../../api/consistency/text';
import { initialState } from '../../domain/lifecycle/states';

const state = initialState('00000000-0000-4000-8000-000000000001', 2);

describe('comparing a workflow with PostgreSQL', () => {
  it('writes equal values as the same JSON whatever the order of their keys, leaving out undefined members', () => {
    expect(stableJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(stableJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(stableJson({ a: 1, b: undefined })).toBe(stableJson({ a: 1 }));
    expect(stableJson({ a: [1, 2] })).not.toBe(stableJson({ a: [2, 1] }));
    expect(stableJson({ a: '1' })).not.toBe(stableJson({ a: 1 }));
  });

  it('classifies by version first, then by state', () => {
    const row = { state, version: 3 };
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(state).reverse()))) as typeof state;
    expect(classify(row, null)).toBe('workflow_missing');
    expect(classify(row, { state, version: 2 })).toBe('workflow_behind');
    expect(classify(row, { state, version: 4 })).toBe('workflow_ahead');
    expect(classify(row, { state: reordered, version: 3 })).toBe('agrees');
    expect(classify(row, { state: { ...state, dueDate: '2028-01-31' }, version: 3 })).toBe('state_differs');
  });

  it('names the fields that differ and describes a record for people', () => {
    expect(differingFields(state, { ...state, dueDate: '2028-01-31', ownerId: 'x' })).toEqual(['dueDate', 'ownerId']);
    expect(describeRecord({ state: { ...state, status: 'awaiting_approval' }, version: 7 })).toBe('version 7 (awaiting approval)');
  });

  it('runs at most so many at a time, keeping the order of the results', async () => {
    let running = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6, 7, 8, 9], 3, async (n) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 2;
    });
    expect(results).toEqual([10, 2, 8, 4, 6, 0, 12, 14, 16, 18]);
    expect(most).toBe(3);
    expect(await mapWithConcurrency([], 8, async () => 1)).toEqual([]);
  });
});

describe('the report in a terminal', () => {
  const report: ConsistencyReport = {
    startedAt: '2026-01-01T10:00:00.000Z',
    durationMs: 1234,
    heal: false,
    checked: 3,
    counts: { agrees: 2, workflow_missing: 0, workflow_behind: 1, workflow_ahead: 0, state_differs: 0, unreachable: 0 },
    differences: [
      {
        recommendationId: '00000000-0000-4000-8000-000000000001',
        reference: '4a',
        reportTitle: 'PEEL 2025',
        class: 'workflow_behind',
        postgres: { status: 'awaiting_self_certification', version: 8 },
        workflow: { status: 'awaiting_approval', version: 7 },
        detail: null,
        healed: false,
        repair: null,
      },
    ],
    remaining: 1,
  };

  it('prints a table of the differences and a summary saying nothing was changed', () => {
    const text = reportAsText(report);
    expect(text).toContain(
      '4a (00000000-0000-4000-8000-000000000001)  workflow_behind  v8 awaiting_self_certification  v7 awaiting_approval',
    );
    expect(text.trimEnd().split('\n').pop()).toBe(
      'Checked 3 open item(s) in 1.2 s: 2 agree, 1 workflow behind. Report only: nothing was changed; run with --heal to repair.',
    );
  });

  it('says what a repair did', () => {
    const healed = reportAsText({
      ...report,
      heal: true,
      remaining: 0,
      differences: [{ ...report.differences[0]!, healed: true, repair: 'Workflow was at…' }],
    });
    expect(healed).toContain('repaired');
    expect(healed).toContain('Repaired 1 of 1; 0 remain.');
  });
});

describe('the check, on stand-ins for PostgreSQL and Temporal', () => {
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const rowFor = (n: number, version = 1) => ({
    id: id(n),
    reference: String(n),
    reportTitle: 'PEEL',
    status: 'assigned',
    version,
    state: { ...state, recommendationId: id(n), status: 'assigned' as const },
  });

  function standIns(rows: ReturnType<typeof rowFor>[], answer: (rowId: string, call: number) => Promise<WorkflowRecord | null>) {
    const calls = new Map<string, number>();
    let running = 0;
    let most = 0;
    const audits: unknown[][] = [];
    const dataSource = {
      query: async (sql: string, params: unknown[]) => {
        if (sql.includes('LIMIT')) return rows.filter((r) => r.id > (params[1] as string)).slice(0, params[2] as number);
        return rows.filter((r) => r.id === params[0]);
      },
      transaction: async (work: (tx: { query: (sql: string, values: unknown[]) => Promise<void> }) => Promise<void>) =>
        work({ query: async (_sql, values) => void audits.push(values) }),
    };
    const workflows = {
      record: async (rowId: string) => {
        const call = (calls.get(rowId) ?? 0) + 1;
        calls.set(rowId, call);
        most = Math.max(most, ++running);
        try {
          await new Promise((resolve) => setTimeout(resolve, 2));
          return await answer(rowId, call);
        } finally {
          running--;
        }
      },
      resync: async (rowId: string) => {
        calls.set(rowId, 100);
        return { before: { state, version: 0 }, after: { state, version: 0 }, changed: true };
      },
    };
    const check = new ConsistencyCheck(dataSource as unknown as DataSource, workflows, { concurrency: 3, batchSize: 4 });
    return { check, audits, most: () => most };
  }

  it('asks a few workflows at a time across batches, looks twice before reporting, and reports failures instead of throwing', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => rowFor(i + 1, i === 1 ? 2 : 1));
    const { check, most } = standIns(rows, async (rowId, call) => {
      const row = rows.find((r) => r.id === rowId)!;
      if (rowId === id(1)) throw new QueryRejectedError(5 as never);
      if (rowId === id(3)) throw new Error('Failed to query Workflow', { cause: new Error('Deadline exceeded') });
      if (rowId === id(4) && call === 1) return { state: row.state, version: 0 }; // a command in flight: gone on the second look
      return { state: row.state, version: 1 };
    });
    const report = await check.check({ heal: false });
    expect(most()).toBe(3);
    expect(report.checked).toBe(10);
    expect(report.counts).toMatchObject({ agrees: 7, workflow_missing: 1, workflow_ahead: 0, workflow_behind: 1, unreachable: 1 });
    expect(report.differences.map((d) => [d.reference, d.class, d.detail])).toEqual([
      ['1', 'workflow_missing', 'The workflow has terminated'],
      ['2', 'workflow_behind', null],
      ['3', 'unreachable', 'Failed to query Workflow: Deadline exceeded'],
    ]);
    expect(check.lastReport).toBe(report);
  });

  it('repairs what differs and notes it, but not a workflow that does not answer; one check at a time', async () => {
    const rows = [rowFor(1, 2), rowFor(2)];
    const { check, audits } = standIns(rows, async (rowId, call) => {
      if (rowId === id(2)) throw new Error('no answer');
      return { state: rows[0]!.state, version: call >= 100 ? 2 : 1 };
    });
    const [first, joined] = [check.check({ heal: true }), check.check({ heal: false })];
    const report = await first;
    expect(await joined).toBe(report);
    expect(report.differences.map((d) => [d.reference, d.healed, d.repair])).toEqual([
      ['1', true, 'Workflow was at version 1 (assigned); PostgreSQL at version 2 (assigned); the workflow now follows PostgreSQL'],
      ['2', false, 'Not repaired: the workflow did not answer'],
    ]);
    expect(report.remaining).toBe(1);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toEqual(expect.arrayContaining(['Consistency check', 'recommendation', id(1), 'workflow_resynced']));
  });
});

describe('the periodic check', () => {
  it('runs report-only checks on its interval and stops', async () => {
    const calls: unknown[] = [];
    const fake = {
      check: async (options: unknown) => (calls.push(options), { remaining: 0, checked: 0, durationMs: 0, counts: {}, differences: [] }),
    };
    const logger = { info: jest.fn(), warn: jest.fn() };
    const stop = startPeriodicConsistencyCheck(fake as unknown as ConsistencyCheck, logger as unknown as Logger, 20);
    await new Promise((resolve) => setTimeout(resolve, 75));
    await stop();
    const seen = calls.length;
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(calls.every((c) => (c as { heal: boolean }).heal === false)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.length).toBe(seen);
  });
});
