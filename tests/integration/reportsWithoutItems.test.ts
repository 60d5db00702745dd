import { AuditEvent, SourceReport } from '../../entities';
import { htmlText } from '../fixtures/papers/extractText';
import { addPeople, tokenFor } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * A report listed with its date and status line but no items, entered by hand or imported: logged on its real date,
 * so papers as at earlier dates list it, with its stated status and blank counts.
 */
describe('reports without items', () => {
  let product: TestProduct;
  let token: string;

  beforeAll(async () => {
    product = await startTestProduct();
    const people = await addPeople(product.app.dataSource, { admin: { name: 'Hannah Whitcombe', roles: ['administrator'] } });
    token = await tokenFor(product, people.admin.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const call = async (method: string, path: string, body?: string, type = 'application/json') => {
    const response = await fetch(`${product.baseUrl}${path}`, {
      method,
      headers: { 'content-type': type, authorization: `Bearer ${token}` },
      body,
    });
    return { status: response.status, text: await response.text() };
  };
  const overview = async (asAt: string) => htmlText((await call('GET', `/api/papers/overview?asAt=${asAt}`)).text);

  it('are entered by hand with their status line, logged on their own date', async () => {
    const report = {
      title: 'Stalking and harassment',
      originator: 'HMICFRS',
      kind: 'inspection',
      scope: 'national',
      publishedOn: '2019-09-05',
      statusLine: 'HMICFRS have agreed closure of these recommendations.',
      loggedOn: '2019-10-01',
      recommendations: [],
    };
    const tooLate = await call('POST', '/api/reports', JSON.stringify({ ...report, loggedOn: '2019-08-01' }));
    expect(tooLate.status).toBe(400);
    expect(JSON.parse(tooLate.text).errors).toEqual([
      { field: 'body.loggedOn', message: 'must not be before the publication date (2019-09-05)' },
    ]);
    const created = await call('POST', '/api/reports', JSON.stringify(report));
    expect(created.status).toBe(201);
    const id = (JSON.parse(created.text) as { id: string }).id;
    expect((await product.app.dataSource.manager.findOneByOrFail(SourceReport, { id })).statusLine).toBe(report.statusLine);
    const logged = await product.app.dataSource.manager.findOneByOrFail(AuditEvent, { entityId: id, type: 'report_logged' });
    expect(logged.occurredAt.toISOString().slice(0, 10)).toBe('2019-10-01');

    expect((await overview('2019-09-30')).some((line) => line.includes('Stalking and harassment'))).toBe(false);
    const lines = await overview('2020-06-30');
    const at = lines.findIndex((line) => line.includes('Stalking and harassment'));
    expect(lines.slice(at + 1, at + 3)).toEqual([
      'Status – HMICFRS have agreed closure of these recommendations.',
      'Total number outstanding: –. Total number closed: –.',
    ]);
  });

  it('are imported from a row with a report and no items, on its own dates', async () => {
    const file = [
      'Report title,Originator,Source kind,Published on,Reference,Text,Status,Logged on',
      'Police perpetrated domestic abuse,HMICFRS,super complaint,30/06/2022,,,All recommendations closed,01/08/2022',
    ].join('\r\n');
    const dry = JSON.parse((await call('POST', '/api/imports?dryRun=true', file, 'text/csv')).text) as {
      problems: unknown[];
      statuses: unknown[];
      rows: unknown[];
    };
    expect(dry).toMatchObject({
      problems: [],
      statuses: [],
      rows: [{ row: 2, report: 'Police perpetrated domestic abuse', reference: '', action: 'create' }],
    });
    expect((await call('POST', '/api/imports?dryRun=false', file, 'text/csv')).status).toBe(200);
    const report = await product.app.dataSource.manager.findOneByOrFail(SourceReport, { title: 'Police perpetrated domestic abuse' });
    expect([report.kind, report.statusLine]).toEqual(['super_complaint', 'All recommendations closed']);

    expect((await overview('2022-07-31')).some((line) => line.includes('Police perpetrated domestic abuse'))).toBe(false);
    const lines = await overview('2022-09-30');
    const at = lines.findIndex((line) => line.includes('Police perpetrated domestic abuse'));
    expect(lines.slice(at + 1, at + 3)).toEqual([
      'Status – All recommendations closed',
      'Total number outstanding: –. Total number closed: –.',
    ]);
    // Imported again: left as it is.
    const again = JSON.parse((await call('POST', '/api/imports?dryRun=true', file, 'text/csv')).text) as { counts: Record<string, number> };
    expect(again.counts).toEqual({ create: 0, update: 0, unchanged: 1 });
  });
});
