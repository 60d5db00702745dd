import type { Person } from '../../entities';
import { addCast, apiClient, type ApiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

interface Item {
  id: string;
  reference: string;
  status: string;
  dueDate: string | null;
  department: string | null;
  category: number | null;
  report: { originator: string; kind: string };
  owner: { id: string } | null;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

const isoDaysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Lists: cursor pages, every filter of the issue, sort orders; edits carry a version and a stale one changes nothing. */
describe('recommendation lists and versioned edits', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'owner2' | 'lead' | 'lead2' | 'dcc', Person>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'owner2', 'lead', 'lead2', 'dcc');
    api.actingAs(p.admin.id);
    const [soon, later, evidenced, logged] = await api.createReport({
      title: 'Stalking and harassment',
      originator: 'HMICFRS',
      kind: 'inspection',
      publishedOn: '2024-04-01',
      recommendations: [
        { reference: '1', category: 2, department: 'Public Protection' },
        { reference: '2', category: 3, department: 'Public Protection' },
        { reference: '3', category: 2, department: 'Crime' },
        { reference: '4', category: 4, department: 'Crime' },
      ],
    });
    const [audit] = await api.createReport({
      title: 'Core Financials',
      originator: 'Mazars',
      kind: 'internal_audit',
      publishedOn: '2025-02-01',
      recommendations: [{ reference: 'Action 1', kind: 'action', category: 2, department: 'Finance' }],
    });
    Object.assign(ids, { soon: soon!, later: later!, evidenced: evidenced!, logged: logged!, audit: audit! });
    await api.command(soon!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: isoDaysFromNow(30) });
    await api.command(later!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead2.id, dueDate: isoDaysFromNow(400) });
    await api.command(evidenced!, { type: 'assign', ownerId: p.owner2.id, leadId: p.lead.id, dueDate: isoDaysFromNow(200) });
    await api.command(audit!, { type: 'assign', ownerId: p.owner2.id, leadId: p.lead2.id, dueDate: isoDaysFromNow(100) });
    await api.command(evidenced!, { type: 'accept' }, p.owner2.id);
    await api.command(evidenced!, { type: 'submitEvidence', summary: 'Done' }, p.owner2.id);
    await api.command(audit!, { type: 'accept' }, p.owner2.id);
    await api.command(audit!, { type: 'flagAtRisk', reason: 'Supplier late' }, p.owner2.id);
    // An overdue item: due dates are set in the future, so move one back as the calendar would.
    // Ten days back: overdue from the working day after its due date, whatever the day of the week and bank holidays.
    await product.app.dataSource.query(`UPDATE recommendations SET due_date = $2 WHERE id = $1`, [later, isoDaysFromNow(-10)]);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const list = async (query: string, as?: string) => {
    const response = await api.call<Page>('GET', `/api/recommendations${query}`, undefined, as);
    expect(response.status).toBe(200);
    return response.body;
  };
  const refs = (page: Page) => page.items.map((i) => i.reference).sort();

  it('filters by state, owner, lead, department, source, originator, category and due dates', async () => {
    expect(refs(await list('?state=assigned'))).toEqual(['1', '2']);
    expect(refs(await list('?state=assigned,awaiting_approval'))).toEqual(['1', '2', '3']);
    expect(refs(await list('?state=assigned&state=logged'))).toEqual(['1', '2', '4']);
    expect(refs(await list(`?owner=${p.owner2.id}`))).toEqual(['3', 'Action 1']);
    expect(refs(await list('?owner=me', p.owner.id))).toEqual(['1', '2']);
    expect(refs(await list(`?lead=${p.lead2.id}`))).toEqual(['2', 'Action 1']);
    expect(refs(await list('?department=public%20protection'))).toEqual(['1', '2']);
    expect(refs(await list('?source=internal_audit'))).toEqual(['Action 1']);
    expect(refs(await list('?originator=hmicfrs'))).toEqual(['1', '2', '3', '4']);
    expect(refs(await list('?category=2'))).toEqual(['1', '3', 'Action 1']);
    expect(refs(await list('?category=3,4'))).toEqual(['2', '4']);
    expect(refs(await list(`?dueBefore=${isoDaysFromNow(150)}`))).toEqual(['1', '2', 'Action 1']);
    expect(refs(await list(`?dueAfter=${isoDaysFromNow(0)}&dueBefore=${isoDaysFromNow(150)}`))).toEqual(['1', 'Action 1']);
  });

  it('searches reference, report title and item text as free text, with % and _ taken literally (issue 18, bug 7)', async () => {
    expect(refs(await list('?q=STALKING'))).toEqual(['1', '2', '3', '4']);
    expect(refs(await list('?q=action%201'))).toEqual(['Action 1']);
    expect(refs(await list('?q=%20recommendation%203%20TEXT'))).toEqual(['3']);
    expect(refs(await list('?q=core%20stalking'))).toEqual([]);
    expect(refs(await list('?q=_'))).toEqual([]);
    expect(refs(await list('?q=%25'))).toEqual([]);
    expect(refs(await list('?q=financials&state=assigned'))).toEqual([]);
  });

  it('filters overdue, at risk and awaiting my decision', async () => {
    expect(refs(await list('?overdue=true'))).toEqual(['2']);
    expect(refs(await list('?overdue=false'))).toEqual(['1', '3', '4', 'Action 1']);
    // Due within three months (1), or flagged by the owner (Action 1); not the overdue one.
    expect(refs(await list('?atRisk=true'))).toEqual(['1', 'Action 1']);
    expect(refs(await list('?awaitingMyDecision=true', p.lead.id))).toEqual(['3']);
    expect(refs(await list('?awaitingMyDecision=true', p.lead2.id))).toEqual([]);
    const approvals = await api.call<{ items: { kind: string; step: number; recommendation: { reference: string } }[] }>(
      'GET',
      '/api/approvals',
      undefined,
      p.lead.id,
    );
    expect(approvals.body.items.map((a) => [a.kind, a.step, a.recommendation.reference])).toEqual([['closure', 1, '3']]);
  });

  it('pages with a cursor through every item exactly once, in each sort order', async () => {
    for (const sort of ['report', 'dueDate', '-dueDate', 'updatedAt', '-updatedAt', 'reference', 'status']) {
      const seen: Item[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page = await list(`?limit=2&sort=${sort}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect([sort, seen.length, new Set(seen.map((i) => i.id)).size]).toEqual([sort, 5, 5]);
      const all = (await list(`?limit=50&sort=${sort}`)).items.map((i) => i.id);
      expect([sort, seen.map((i) => i.id)]).toEqual([sort, all]);
    }
    const byDue = (await list('?sort=dueDate')).items;
    expect(byDue.map((i) => i.reference)).toEqual(['2', '1', 'Action 1', '3', '4']);
    expect((await list('?sort=report')).items[0]!.reference).toBe('Action 1');
  });

  it('names bad filters and cursors', async () => {
    const bad = await api.call<{ errors: { field: string; message: string }[] }>(
      'GET',
      '/api/recommendations?state=finished&owner=bob&dueBefore=2027-02-30&overdue=maybe&limit=0&colour=red',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field).sort()).toEqual([
      'query',
      'query.dueBefore',
      'query.limit',
      'query.overdue',
      'query.owner',
      'query.state[0]',
    ]);
    const cursor = await api.call<{ errors: { field: string }[] }>('GET', '/api/recommendations?sort=dueDate&cursor=bm90LWEtY3Vyc29y');
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors[0]!.field).toBe('query.cursor');
    const otherSort = (await list('?limit=1&sort=dueDate')).nextCursor!;
    expect((await api.call('GET', `/api/recommendations?sort=reference&cursor=${otherSort}`)).status).toBe(400);
  });

  it('pages reports, people and the audit trail too', async () => {
    const reports = await api.call<Page>('GET', '/api/reports?limit=1');
    expect(reports.body.items).toHaveLength(1);
    const second = await api.call<Page>('GET', `/api/reports?limit=1&cursor=${reports.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const leads = await api.call<{ items: { name: string }[] }>('GET', '/api/people?role=lead');
    expect(leads.body.items.map((x) => x.name)).toEqual(['Graham Osei', 'Nadia Haskins']);
    const audit = await api.call<{ items: { type: string }[]; nextCursor: string }>(
      'GET',
      `/api/audit?recommendation=${ids.audit}&limit=2`,
    );
    expect(audit.body.items).toHaveLength(2);
    expect(audit.body.nextCursor).toEqual(expect.any(String));
  });

  it('answers a stale If-Match with 412 and changes nothing; the current version goes through', async () => {
    const current = await api.call<{ version: number }>('GET', `/api/recommendations/${ids.soon}`);
    const etag = current.headers.get('etag')!;
    expect(etag).toBe(`"${current.body.version}"`);
    const stale = await api.call<{ title: string; detail: string }>(
      'POST',
      `/api/recommendations/${ids.soon}/commands`,
      { type: 'accept' },
      p.owner.id,
      { 'if-match': `"${current.body.version - 1}"` },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.detail).toContain('Nothing was saved');
    const after = await api.get(ids.soon!);
    expect([after.status, after.version]).toEqual(['assigned', current.body.version]);
    const fresh = await api.call<{ status: string }>('POST', `/api/recommendations/${ids.soon}/commands`, { type: 'accept' }, p.owner.id, {
      'if-match': etag,
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.status).toBe('in_progress');
  });
});
