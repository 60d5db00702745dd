import { AuditEvent, ImportStatusMapping, Recommendation } from '../../entities';
import type { ActingPerson } from '../../platform/http/actor';
import { addPeople, tokenFor } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * Statuses in the force's own words: the dry run proposes a meaning for each distinct one, nothing is imported until
 * each is confirmed, the confirmed meanings are saved for the force (a mapping file through the API, or the import
 * page's selects) and the next import uses them; every item keeps the words as its "status as last reported".
 */
describe('importing a tracker whose statuses are in the force’s own words', () => {
  let product: TestProduct;
  let token: string;
  let adminId: string;

  beforeAll(async () => {
    product = await startTestProduct();
    const people = await addPeople(product.app.dataSource, { admin: { name: 'Hannah Whitcombe', roles: ['administrator'] } });
    adminId = people.admin.id;
    token = await tokenFor(product, adminId);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const header = 'Report title,Originator,Published on,Reference,Text,Category,Status,Logged on,Status since';
  const csv = (rows: string[][]) =>
    [header, ...rows.map((r) => r.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))].join('\r\n');
  const request = async (method: string, path: string, body: string | undefined, type: string) => {
    const response = await fetch(`${product.baseUrl}${path}`, {
      method,
      headers: { 'content-type': type, authorization: `Bearer ${token}` },
      body,
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown> & {
        statuses?: Record<string, unknown>[];
        problems?: unknown[];
        errors?: { field: string; message: string }[];
      },
    };
  };
  const send = (file: string, dryRun: boolean) => request('POST', `/api/imports?dryRun=${dryRun}`, file, 'text/csv');

  const agreed = 'HMICFRS have agreed closure of these recommendations.';
  const awaiting = 'Evidence submitted to HMICFRS for review. Awaiting feedback.';
  const first = csv([
    [
      'Roads Policing: Not optional',
      'HMICFRS',
      '15/07/2020',
      '1',
      'Chief constables should review collision investigation.',
      '3',
      agreed,
      '01/08/2020',
      '15/03/2021',
    ],
    [
      'Roads Policing: Not optional',
      'HMICFRS',
      '15/07/2020',
      '2',
      'Forces should train investigators.',
      '3',
      agreed,
      '01/08/2020',
      '15/03/2021',
    ],
    [
      'Roads Policing: Not optional',
      'HMICFRS',
      '15/07/2020',
      '3',
      'Forces should share collision data.',
      '2',
      'Closed',
      '01/08/2020',
      '10/02/2021',
    ],
  ]);

  it('proposes, in the dry run, the closest state for each distinct wording, with why, and imports nothing unconfirmed', async () => {
    const dry = await send(first, true);
    expect(dry.status).toBe(200);
    expect(dry.body.problems).toEqual([]);
    expect(dry.body.statuses).toEqual([
      {
        wording: agreed,
        key: 'hmicfrs have agreed closure of these recommendations',
        rows: 2,
        status: 'closed',
        source: 'proposed',
        proposed: 'closed',
        why: expect.stringContaining('“agreed closure”'),
      },
    ]);

    const refused = await send(first, false);
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { field: `status "${agreed}"`, message: expect.stringContaining('has no confirmed meaning (proposed: closed') },
    ]);
    expect(await product.app.dataSource.manager.count(Recommendation)).toBe(0);
  });

  it('imports once the meanings are confirmed in a mapping file, saved for the force, keeping the force’s words on each item', async () => {
    const bad = await request(
      'PUT',
      '/api/imports/status-mappings',
      JSON.stringify({
        mappings: [
          { wording: 'Closed', status: 'closed' },
          { wording: 'x', status: 'sort of done' },
        ],
      }),
      'application/json',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'body.mappings[1].status' })]);

    const saved = await request(
      'PUT',
      '/api/imports/status-mappings',
      JSON.stringify({ mappings: [{ wording: agreed, status: 'signed off' }] }),
      'application/json',
    );
    expect(saved.status).toBe(200);
    expect(saved.body.mappings).toEqual([{ wording: agreed, status: 'signed off', confirmedAt: expect.any(String) }]);
    const trail = await product.app.dataSource.manager.findBy(AuditEvent, { type: 'import_status_mapping_confirmed' });
    expect(trail.map((e) => [e.entityType, e.actorId, e.after])).toEqual([
      ['import_status_mapping', adminId, { wording: agreed, status: 'signed off' }],
    ]);

    const dry = await send(first, true);
    expect(dry.body.statuses).toEqual([
      expect.objectContaining({ wording: agreed, status: 'signed off', source: 'saved', proposed: 'closed' }),
    ]);
    const done = await send(first, false);
    expect(done.status).toBe(200);
    const items = await product.app.dataSource.manager.find(Recommendation, { order: { reference: 'ASC' } });
    expect(items.map((i) => [i.reference, i.status, i.state.closure?.how, i.reportedStatus])).toEqual([
      ['1', 'closed', 'signed_off_by_hmicfrs', agreed],
      ['2', 'closed', 'signed_off_by_hmicfrs', agreed],
      ['3', 'closed', 'self_certified', 'Closed'],
    ]);
    const view = await fetch(`${product.baseUrl}/api/recommendations/${items[0]!.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await view.json()) as { reportedStatus: string }).reportedStatus).toBe(agreed);
  });

  it('uses the saved meaning for the same words at the next import, however they are spaced or stopped, and confirms new ones given with it', async () => {
    const next = csv([
      [
        'Child protection inspection',
        'HMICFRS',
        '01/03/2021',
        '1',
        'Improve referrals.',
        '3',
        'HMICFRS have agreed closure of these  recommendations',
        '01/04/2021',
        '01/09/2021',
      ],
      ['Child protection inspection', 'HMICFRS', '01/03/2021', '2', 'Train staff.', '3', awaiting, '01/04/2021', '01/09/2021'],
    ]);
    const dry = await send(next, true);
    expect(dry.body.statuses).toEqual([
      expect.objectContaining({ source: 'saved', status: 'signed off' }),
      expect.objectContaining({
        wording: awaiting,
        source: 'proposed',
        status: 'submitted to hmicfrs',
        why: expect.stringContaining('HMICFRS'),
      }),
    ]);
    expect((await send(next, false)).status).toBe(422);

    // The import page's path: the person's choices come with the import (here changing the proposal: HMICFRS has since
    // signed these off), and are saved in its transaction.
    const by: ActingPerson = { actor: { personId: adminId, roles: ['administrator'] }, label: 'Hannah Whitcombe' };
    const key = dry.body.statuses![1]!.key as string;
    const imported = await product.app.services.imports.import(Buffer.from(next), 'text/csv', by, {
      confirmed: new Map([[key, 'signed off' as const]]),
    });
    expect(imported.counts.create).toBe(2);
    const rows = await product.app.dataSource.manager.find(ImportStatusMapping, { order: { wording: 'ASC' } });
    expect(rows.map((r) => [r.wording, r.status])).toEqual([
      [awaiting, 'signed off'],
      [agreed, 'signed off'],
    ]);
  });

  it('takes a CSV mapping file too, naming every bad row and saving nothing then', async () => {
    const bad = await request(
      'PUT',
      '/api/imports/status-mappings.csv',
      'Status as written,Means\r\nOngoing work,in progress\r\nSort of done,nearly\r\n',
      'text/csv',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { field: 'row 3: Means', message: expect.stringContaining('"nearly" is not one of: logged, not for the force') },
    ]);
    const kept = await request('GET', '/api/imports/status-mappings', undefined, 'application/json');
    expect((kept.body.mappings as { wording: string }[]).map((m) => m.wording)).not.toContain('Ongoing work');
    const good = await request(
      'PUT',
      '/api/imports/status-mappings.csv',
      '\uFEFFStatus as written,Means\r\n"Ongoing work, see update",In progress\r\n',
      'text/csv',
    );
    expect(good.status).toBe(200);
    expect(good.body.mappings).toContainEqual({
      wording: 'Ongoing work, see update',
      status: 'in progress',
      confirmedAt: expect.any(String),
    });
    expect((await request('PUT', '/api/imports/status-mappings.csv', '{}', 'application/json')).status).toBe(415);
  });

  it('keeps the words of a re-imported row that now says something else, with an audit event', async () => {
    const changed = csv([
      [
        'Roads Policing: Not optional',
        'HMICFRS',
        '15/07/2020',
        '3',
        'Forces should share collision data.',
        '2',
        'Closed.',
        '01/08/2020',
        '10/02/2021',
      ],
    ]);
    expect((await send(changed, true)).body).toMatchObject({
      counts: { create: 0, update: 1, unchanged: 0 },
      rows: [{ changes: ['reportedStatus'] }],
    });
    expect((await send(changed, false)).status).toBe(200);
    const item = await product.app.dataSource.manager.findOneByOrFail(Recommendation, {
      reference: '3',
      text: 'Forces should share collision data.',
    });
    expect(item.reportedStatus).toBe('Closed.');
    const event = await product.app.dataSource.manager.findOneByOrFail(AuditEvent, {
      recommendationId: item.id,
      type: 'recommendation_import_updated',
    });
    expect([event.before, event.after]).toEqual([{ reportedStatus: 'Closed' }, { reportedStatus: 'Closed.' }]);
  });
});
