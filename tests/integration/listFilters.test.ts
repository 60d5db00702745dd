import { calendarDateInLondon } from '../../domain/calendar';
import type { Person } from '../../entities';
import { addCast, apiClient, tokenFor, type ApiClient } from '../support/apiClient';
import { csvRecords } from '../support/csv';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const isoDaysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const decode = (html: string) =>
  html
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/**
 * Issue 18, "Search and filters" and "CSV export with the columns a secretary needs": the list page's filters
 * combine, live in the address, show as tags that each remove one filter, name a bad value in words; the dashboard's
 * links land on lists showing their filters; the CSV carries the same filters and the secretary's columns.
 */
describe('searching and filtering the list, and its CSV', () => {
  let product: TestProduct;
  let api: ApiClient;
  let token: string;
  let p: Record<'admin' | 'owner' | 'owner2' | 'lead' | 'lead2' | 'dcc', Person>;
  const ids: Record<string, string> = {};
  let reportId: string;

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'owner2', 'lead', 'lead2', 'dcc');
    api.actingAs(p.admin.id);
    token = await tokenFor(product, p.admin.id);
    const [one, two, three, four] = await api.createReport({
      title: 'Stalking and harassment',
      originator: 'HMICFRS',
      kind: 'inspection',
      publishedOn: '2024-04-01',
      recommendations: [
        { reference: '1', category: 2, department: 'Public Protection', text: 'Review the "stalking" screening, quickly' },
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
    Object.assign(ids, { one: one!, two: two!, three: three!, four: four!, audit: audit! });
    reportId = (await api.get(one!)).report.id;
    await api.command(one!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: isoDaysFromNow(30) });
    await api.command(two!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead2.id, dueDate: isoDaysFromNow(400) });
    await api.command(three!, { type: 'assign', ownerId: p.owner2.id, leadId: p.lead.id, dueDate: isoDaysFromNow(200) });
    await api.command(audit!, { type: 'assign', ownerId: p.owner2.id, leadId: p.lead2.id, dueDate: isoDaysFromNow(100) });
    await api.command(three!, { type: 'accept' }, p.owner2.id);
    await api.command(three!, { type: 'submitEvidence', summary: 'Done' }, p.owner2.id);
    // Item 1: accepted, extended once by its lead, and updated by its owner.
    await api.command(one!, { type: 'accept' }, p.owner.id);
    await api.command(one!, { type: 'requestExtension', newDueDate: isoDaysFromNow(60), reason: 'Training delayed' }, p.owner.id);
    await api.command(one!, { type: 'decideExtension', approved: true }, p.lead.id);
    await api.command(one!, { type: 'postUpdate', text: 'Screening tool piloted, "on track", 3 of 4 areas done' }, p.owner.id);
    // Item 1 waits for its lead's decision on a second extension; a category 1 audit action closed today.
    await api.command(one!, { type: 'requestExtension', newDueDate: isoDaysFromNow(90), reason: 'Supplier late' }, p.owner.id);
    const [closed] = await api.createReport({
      title: 'Payroll',
      originator: 'Mazars',
      kind: 'internal_audit',
      publishedOn: '2025-03-01',
      recommendations: [{ reference: 'P1', kind: 'action', category: 1 }],
    });
    await api.command(closed!, { type: 'closeNoActionRequired', reason: 'Already in place' });
    ids.closed = closed!;
    // Item 2 is overdue: move its due date back as the calendar would.
    await product.app.dataSource.query(`UPDATE recommendations SET due_date = $2 WHERE id = $1`, [two, isoDaysFromNow(-10)]);
  }, 120_000);
  afterAll(async () => {
    await product?.stop();
  });

  const fetchAs = async (path: string) => {
    const response = await fetch(`${product.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, text: await response.text() };
  };
  /** The list page: the references it lists, its filter tags (heading, text, link) and its CSV link. */
  const listPage = async (query: string) => {
    const { status, text } = await fetchAs(`/recommendations${query}`);
    const rows = text.match(/<tr class="govuk-table__row">[\s\S]*?<\/tr>/g) ?? [];
    const idsShown = rows.flatMap((row) => /href="\/recommendations\/([0-9a-f-]{36})"/.exec(row)?.[1] ?? []);
    const referenceOf = Object.fromEntries(Object.entries(ids).map(([key, id]) => [id, key]));
    const section = /<div class="govuk-!-margin-bottom-6" id="selected-filters">([\s\S]*?)<\/ul>\s*<\/div>/.exec(text)?.[1] ?? '';
    const tags: { heading: string; text: string; href: string }[] = [];
    for (const group of section.split('<h3').slice(1)) {
      const heading = decode(/>([^<]*)<\/h3>/.exec(group)![1]!);
      for (const m of group.matchAll(
        /<a class="app-filter-tag" href="([^"]*)"><span class="govuk-visually-hidden">[^<]*<\/span>([^<]*)<\/a>/g,
      ))
        tags.push({ heading, text: decode(m[2]!), href: decode(m[1]!) });
    }
    const csvHref = decode(/<a class="govuk-link" href="(\/recommendations\.csv[^"]*)" download>/.exec(text)?.[1] ?? '');
    return { status, html: text, items: idsShown.map((id) => referenceOf[id] ?? id).sort(), tags, csvHref };
  };
  const csv = async (path: string) => {
    const { status, text } = await fetchAs(path);
    expect([path, status]).toEqual([path, 200]);
    return csvRecords(text);
  };

  it('combines filters, each shown as a tag whose link is the same list without it', async () => {
    const page = await listPage(`?statusGroup=not_started&lead=${p.lead2.id}&sort=reference`);
    expect(page.status).toBe(200);
    expect(page.items).toEqual(['audit', 'two']);
    expect(page.tags).toEqual([
      { heading: 'Lead', text: 'Graham Osei', href: '/recommendations?statusGroup=not_started&sort=reference' },
      { heading: 'Status group', text: 'Not started', href: `/recommendations?lead=${p.lead2.id}&sort=reference` },
    ]);
    expect((await listPage(page.tags[0]!.href.slice('/recommendations'.length))).items).toEqual(['audit', 'four', 'two']);
    expect((await listPage(page.tags[1]!.href.slice('/recommendations'.length))).items).toEqual(['audit', 'two']);
    expect(page.html).toContain('<a class="govuk-link" href="/recommendations">Clear filters</a>');
    // The selects show what is chosen, so "Apply filters" keeps it.
    expect(page.html).toMatch(new RegExp(`<option value="${p.lead2.id}" selected>Graham Osei</option>`));
    expect(page.html).toMatch(/<option value="not_started" selected>Not started<\/option>/);
  });

  it('filters by report, originator, owner, department, category, status group, RAG and free text, together', async () => {
    expect((await listPage(`?report=${reportId}&owner=${p.owner.id}`)).items).toEqual(['one', 'two']);
    expect((await listPage('?originator=mazars')).items).toEqual(['audit', 'closed']);
    expect((await listPage('?originator=mazars&statusGroup=closed')).items).toEqual(['closed']);
    expect((await listPage('?department=public%20protection&rag=off_target')).items).toEqual(['two']);
    expect((await listPage('?category=2&statusGroup=with_approvers')).items).toEqual(['three']);
    expect((await listPage('?category=2&statusGroup=under_way,with_approvers')).items).toEqual(['one', 'three']);
    expect((await listPage('?rag=proposed_for_closure')).items).toEqual(['three']);
    expect((await listPage('?rag=on_target&originator=HMICFRS')).items).toEqual(['four']);
    expect((await listPage('?q=screening&statusGroup=under_way')).items).toEqual(['one']);
    const tagged = await listPage(`?q=stalking&report=${reportId}&category=2,3&rag=at_risk&owner=me`);
    expect(tagged.tags.map((t) => [t.heading, t.text])).toEqual([
      ['Search', '“stalking”'],
      ['Report', 'HMICFRS: Stalking and harassment'],
      ['Category', 'Category 2: self-certified by the force'],
      ['Category', 'Category 3: self-certified, HMICFRS follows up'],
      ['Owner', 'Me'],
      ['RAG status', 'At risk'],
    ]);
    // Removing one of two categories keeps the other.
    expect(tagged.tags[2]!.href).toBe(`/recommendations?q=stalking&report=${reportId}&category=3&rag=at_risk&owner=me`);
  });

  it('names a bad value by its field, in words, and still applies the filters that are good', async () => {
    const page = await listPage('?statusGroup=finished&category=9&colour=red&department=Crime');
    expect(page.status).toBe(400);
    expect(page.html).toContain(
      '<a href="#filter-statusGroup">Status group must be a status group: not_started, under_way, with_approvers, with_hmicfrs, reopened, closed</a>',
    );
    expect(page.html).toContain('<a href="#filter-category">Category must be 1, 2, 3 or 4</a>');
    expect(page.html).toContain('<a href="#filters">“colour” is not a filter of this list</a>');
    expect(page.html).not.toMatch(/Unrecognized|Invalid (input|option)/);
    expect(page.items).toEqual(['four', 'three']);
    expect(page.tags.map((t) => t.text)).toEqual(['Crime']);
    expect(page.csvHref).toBe('/recommendations.csv?department=Crime');
  });

  it('lands each of the dashboard’s links on a list showing its filters as tags', async () => {
    const dashboard = (await fetchAs('/dashboard')).text;
    const links = [...new Set([...dashboard.matchAll(/href="(\/recommendations\?[^"]+)"/g)].map((m) => decode(m[1]!)))];
    expect(links).toEqual(
      expect.arrayContaining([
        '/recommendations?overdue=true',
        '/recommendations?atRisk=true',
        '/recommendations?decisionWaiting=true',
        `/recommendations?overdue=true&lead=${p.lead2.id}`,
      ]),
    );
    for (const link of links) {
      const page = await listPage(link.slice('/recommendations'.length));
      const filters = [...new URLSearchParams(link.split('?')[1]).keys()];
      expect([link, page.status, page.tags.length]).toEqual([link, 200, filters.length]);
    }
    // Each headline's number is the length of the list it links to.
    const headlines = [...dashboard.matchAll(/href="(\/recommendations\?[^"]+)">(\d+)<span class="govuk-visually-hidden"> items<\/span>/g)];
    expect(headlines.map((m) => m[2])).toEqual(['1', '1', '2', '1']);
    for (const m of headlines) {
      const link = decode(m[1]!);
      expect([link, (await listPage(link.slice('/recommendations'.length))).items.length]).toEqual([link, Number(m[2])]);
    }
    expect((await listPage('?decisionWaiting=true')).items).toEqual(['one', 'three']);
    const closedSince = await listPage(`?closedSince=${calendarDateInLondon(Date.now()).slice(0, 8)}01`);
    expect([closedSince.items, closedSince.tags.map((t) => t.heading)]).toEqual([['closed'], ['Closed since']]);
    const byLead = await listPage(`?overdue=true&lead=${p.lead2.id}`);
    expect(byLead.tags.map((t) => [t.heading, t.text])).toEqual([
      ['Lead', 'Graham Osei'],
      ['Overdue', 'Overdue'],
    ]);
    expect(byLead.items).toEqual(['two']);
  });

  it('exports the secretary’s columns, with the due-date history and the latest update', async () => {
    const records = await csv('/recommendations.csv?sort=reference');
    expect(Object.keys(records[0]!)).toEqual([
      'Reference',
      'Report',
      'Item text',
      'Kind',
      'Category',
      'Owner',
      'Lead',
      'Department',
      'Due date',
      'Earlier due dates',
      'Status',
      'RAG',
      'At risk',
      'Overdue',
      'Working days overdue',
      'Latest update',
      'Latest update on',
      'Latest update by',
    ]);
    const today = calendarDateInLondon(Date.now());
    expect(records.find((r) => r.Reference === '1')).toEqual({
      Reference: '1',
      Report: 'HMICFRS: Stalking and harassment',
      'Item text': 'Review the "stalking" screening, quickly',
      Kind: 'Recommendation',
      Category: 'Category 2: self-certified by the force',
      Owner: 'Tom Ellery',
      Lead: 'Nadia Haskins',
      Department: 'Public Protection',
      'Due date': isoDaysFromNow(60),
      'Earlier due dates': `${isoDaysFromNow(30)} (extended on ${today})`,
      Status: 'In progress',
      RAG: 'At risk',
      'At risk': 'yes',
      Overdue: 'no',
      'Working days overdue': '0',
      'Latest update': 'Screening tool piloted, "on track", 3 of 4 areas done',
      'Latest update on': today,
      'Latest update by': 'Tom Ellery',
    });
    expect(records.find((r) => r.Reference === '2')).toMatchObject({
      'Earlier due dates': '',
      RAG: 'Off target',
      Overdue: 'yes',
      'Latest update': '',
      'Latest update on': '',
    });
    expect(Number(records.find((r) => r.Reference === '2')!['Working days overdue'])).toBeGreaterThan(0);
    expect(records.find((r) => r.Reference === 'Action 1')).toMatchObject({
      Kind: 'Action',
      Report: 'Mazars: Core Financials',
      Owner: 'Lucy Brannigan',
    });
    expect(records.find((r) => r.Reference === '4')).toMatchObject({ Owner: '', Lead: '', 'Due date': '', Status: 'Logged' });
  });

  it('exports exactly what the list shows, through the list page’s own CSV link', async () => {
    for (const query of [
      `?statusGroup=not_started&lead=${p.lead2.id}`,
      '?rag=off_target,proposed_for_closure',
      `?q=stalking&owner=${p.owner.id}`,
      '?department=crime&category=2,4',
    ]) {
      const page = await listPage(query);
      const records = await csv(page.csvHref);
      const referenceKey = (reference: string) =>
        Object.entries({ one: '1', two: '2', three: '3', four: '4', audit: 'Action 1' }).find(([, r]) => r === reference)![0];
      expect([query, records.map((r) => referenceKey(r.Reference!)).sort()]).toEqual([query, page.items]);
      expect(page.items.length).toBeGreaterThan(0);
    }
    const bad = await fetchAs('/recommendations.csv?rag=purple');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({
      errors: [{ field: 'query.rag[0]', message: expect.stringContaining('must be a RAG status') }],
    });
  });
});
