import { addPeople, apiClient, tokenFor } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const HEADER =
  'Reference,Report,Item text,Kind,Category,Owner,Lead,Department,Due date,Earlier due dates,Status,RAG,At risk,Overdue,Working days overdue,Latest update,Latest update on,Latest update by';

/** The list's CSV is everything its filters match, however many pages of the list that is. */
describe('exporting the list as CSV', () => {
  let product: TestProduct;
  let token: string;

  beforeAll(async () => {
    product = await startTestProduct();
    const api = apiClient(product);
    const { admin } = await addPeople(product.app.dataSource, { admin: { name: 'Hannah Whitcombe', roles: ['administrator'] } });
    api.actingAs(admin.id);
    token = await tokenFor(product, admin.id);
    const references = Array.from({ length: 217 }, (_, i) => ({ reference: `${i + 1}` }));
    await api.createReport({ title: 'A long inspection', originator: 'HMICFRS', kind: 'inspection', recommendations: references });
    await api.createReport({
      title: 'An audit',
      originator: 'Mazars',
      kind: 'internal_audit',
      recommendations: [{ reference: 'A1' }, { reference: 'A2' }, { reference: 'A3' }],
    });
  });
  afterAll(async () => {
    await product?.stop();
  });

  const csv = async (query: string) => {
    const response = await fetch(`${product.baseUrl}/recommendations.csv${query}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', lines: text.split('\r\n').slice(0, -1), text };
  };

  it('has a row for each of 217 items the filter matches, past the 200 of one page', async () => {
    const { status, type, lines } = await csv('?originator=HMICFRS&sort=reference');
    expect(status).toBe(200);
    expect(type).toContain('text/csv');
    expect(lines[0]).toBe(HEADER);
    const rows = lines.slice(1);
    expect(rows).toHaveLength(217);
    const references = rows.map((line) => line.split(',')[0]);
    expect(new Set(references).size).toBe(217);
    expect(rows.every((line) => line.split(',')[1] === 'HMICFRS: A long inspection')).toBe(true);
  });

  it('exports every item without a filter, and only the matching ones with one, whatever cursor or limit the address carries', async () => {
    expect((await csv('')).lines).toHaveLength(1 + 220);
    expect((await csv('?limit=5&sort=-dueDate')).lines).toHaveLength(1 + 220);
    const audit = await csv('?originator=Mazars&limit=1&cursor=anything');
    expect(audit.lines.slice(1).map((line) => line.split(',')[0])).toEqual(['A1', 'A2', 'A3']);
  });

  it('refuses a filter it cannot read with 400 naming it, rather than exporting everything', async () => {
    const bad = await csv('?overdue=maybe');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ errors: [{ field: 'query.overdue', message: 'must be true or false' }] });
  });
});
