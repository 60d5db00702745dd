import { AuditEvent, EvidenceItem } from '../../entities';
import { addPeople, apiClient, tokenFor, type ApiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** Routing rules, delegations, departments and evidence: each change validated, audited, and used by the lifecycle. */
describe('administration and evidence', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Awaited<ReturnType<typeof people>>;
  const people = (t: TestProduct) =>
    addPeople(t.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Derek Moorcroft', roles: ['action_owner'] },
      lead: { name: 'Andrew Pemberton', roles: ['lead'] },
      dcc: { name: 'Simon Hartley', roles: ['dcc'] },
      auditor: { name: 'Margaret Holloway', roles: ['viewer'] },
      chief: { name: 'Chief Finance Officer', roles: ['finance_director'] },
    });

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await people(product);
    api.actingAs(p.admin.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('stores routing rules that the next approval chain follows, refusing rule sets that would leave items unrouted', async () => {
    const listed = await api.call<{ usingDefaults: boolean }>('GET', '/api/routing-rules');
    expect(listed.body.usingDefaults).toBe(true);

    const noCatchAll = await api.call<{ detail: string }>(
      'PUT',
      '/api/routing-rules/poca',
      { priority: 50, match: { departments: ['Archive and Exhibits'] }, steps: [{ kind: 'lead' }] },
      p.admin.id,
    );
    expect(noCatchAll.status).toBe(409);
    expect(noCatchAll.body.detail).toBe('no routing rule matches every item, so some items would have nobody to approve them');

    const byViewer = await api.call(
      'PUT',
      '/api/routing-rules/everything',
      { priority: 0, match: {}, steps: [{ kind: 'lead' }, { kind: 'role', role: 'dcc' }] },
      p.auditor.id,
    );
    expect(byViewer.status).toBe(403);

    const badStep = await api.call<{ errors: { field: string }[] }>(
      'PUT',
      '/api/routing-rules/everything',
      { priority: 0, match: {}, steps: [{ kind: 'role', role: 'wizard' }] },
      p.admin.id,
    );
    expect(badStep.status).toBe(400);
    expect(badStep.body.errors[0]!.field).toBe('body.steps[0].role');

    const catchAll = await api.call<{ version: number }>(
      'PUT',
      '/api/routing-rules/everything',
      { priority: 0, match: {}, steps: [{ kind: 'lead' }, { kind: 'role', role: 'dcc' }] },
      p.admin.id,
    );
    expect(catchAll.status).toBe(200);
    const poca = await api.call(
      'PUT',
      '/api/routing-rules/poca',
      {
        priority: 50,
        match: { departments: ['Archive and Exhibits'] },
        steps: [{ kind: 'lead' }, { kind: 'person', personId: p.chief.id }],
        description: 'POCA actions',
      },
      p.admin.id,
    );
    expect(poca.status).toBe(200);

    const stale = await fetch(`${product.baseUrl}/api/routing-rules/everything`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await tokenFor(product, p.admin.id)}`,
        'if-match': `"${catchAll.body.version - 1}"`,
      },
      body: JSON.stringify({ priority: 1, match: {}, steps: [{ kind: 'lead' }] }),
    });
    expect(stale.status).toBe(412);

    const [id] = await api.createReport({
      title: 'Proceeds of Crime Act January 2016',
      originator: 'Mazars',
      kind: 'internal_audit',
      recommendations: [{ reference: 'Action 2', kind: 'action', category: 2, department: 'Archive and Exhibits' }],
    });
    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-02-26' }, p.admin.id);
    await api.command(id!, { type: 'accept' }, p.owner.id);
    await api.command(id!, { type: 'submitEvidence', summary: 'Reconciliation complete' }, p.owner.id);
    const chain = (await api.command(id!, { type: 'approve' }, p.lead.id)).state.approval!;
    expect(chain.routeId).toBe('poca');
    expect(chain.steps[1]!.approverId).toBe(p.chief.id);
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { entityType: 'routing_rule' })).toBe(2);
  });

  it('records delegations, refusing nonsense dates and strangers', async () => {
    const wrongWay = await api.call<{ errors: { field: string; message: string }[] }>(
      'POST',
      '/api/delegations',
      { fromPersonId: p.dcc.id, toPersonId: p.lead.id, startsOn: '2027-01-10', endsOn: '2027-01-01' },
      p.dcc.id,
    );
    expect(wrongWay.status).toBe(400);
    expect(wrongWay.body.errors).toEqual([{ field: 'body.endsOn', message: 'must be on or after startsOn' }]);
    const forSomeoneElse = await api.call(
      'POST',
      '/api/delegations',
      { fromPersonId: p.dcc.id, toPersonId: p.lead.id, startsOn: '2027-01-01', endsOn: '2027-01-10' },
      p.owner.id,
    );
    expect(forSomeoneElse.status).toBe(403);
    const created = await api.call<{ id: string }>(
      'POST',
      '/api/delegations',
      { fromPersonId: p.dcc.id, toPersonId: p.lead.id, startsOn: '2027-01-01', endsOn: '2027-01-10', reason: 'Leave' },
      p.dcc.id,
    );
    expect(created.status).toBe(201);
    expect((await api.call('DELETE', `/api/delegations/${created.body.id}`, undefined, p.dcc.id)).status).toBe(204);
    expect((await api.call<{ items: unknown[] }>('GET', '/api/delegations')).body.items).toEqual([]);
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { entityType: 'delegation' })).toBe(2);
  });

  it('adds departments once', async () => {
    expect((await api.call('POST', '/api/departments', { name: 'Public Protection' }, p.admin.id)).status).toBe(201);
    const again = await api.call<{ errors: unknown[] }>('POST', '/api/departments', { name: 'Public Protection' }, p.admin.id);
    expect(again.status).toBe(400);
  });

  it('keeps evidence files with size and checksum, links and notes, within the upload limit', async () => {
    const [id] = await api.createReport({
      title: 'Evidence report',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '7', category: 2 }],
    });
    const early = await fetch(`${product.baseUrl}/api/recommendations/${id}/evidence/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(product, p.admin.id)}` },
      body: JSON.stringify({ title: 'Too early', note: 'x' }),
    });
    expect(early.status).toBe(409);

    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-02-26' }, p.admin.id);
    const upload = async (body: Buffer, type: string, as = p.owner.id) =>
      fetch(`${product.baseUrl}/api/recommendations/${id}/evidence/files?title=${encodeURIComponent('Training record.pdf')}`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${await tokenFor(product, as)}` },
        body,
      });
    const pdf = Buffer.from('%PDF-1.4 training attendance 2026');
    const uploaded = await upload(pdf, 'application/pdf');
    expect(uploaded.status).toBe(201);
    const file = (await uploaded.json()) as { id: string; sizeBytes: number; sha256: string };
    expect(file.sizeBytes).toBe(pdf.length);
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);

    expect((await upload(pdf, 'application/x-msdownload')).status).toBe(415);
    expect((await upload(pdf, 'application/pdf', p.auditor.id)).status).toBe(403);
    const tooBig = await upload(Buffer.alloc(21 * 1024 * 1024, 1), 'application/pdf');
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { detail: string }).detail).toBe('The most that can be sent at once is 20 MB. Nothing was saved.');

    const link = await api.call(
      'POST',
      `/api/recommendations/${id}/evidence/links`,
      { title: 'Force policy', url: 'https://intranet.example.police.uk/policy/42' },
      p.owner.id,
    );
    expect(link.status).toBe(201);
    const badLink = await api.call<{ errors: { field: string }[] }>(
      'POST',
      `/api/recommendations/${id}/evidence/links`,
      { title: 'x', url: 'javascript:alert(1)' },
      p.owner.id,
    );
    expect(badLink.body.errors[0]!.field).toBe('body.url');

    const download = await fetch(`${product.baseUrl}/api/recommendations/${id}/evidence/${file.id}/content`, {
      headers: { authorization: `Bearer ${await tokenFor(product, p.auditor.id)}` },
    });
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain('Training%20record.pdf');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf);

    const listed = await api.call<{ items: { kind: string }[] }>('GET', `/api/recommendations/${id}/evidence`);
    expect(listed.body.items.map((i) => i.kind)).toEqual(['file', 'link']);
    expect(await product.app.dataSource.manager.countBy(EvidenceItem, { recommendationId: id! })).toBe(2);
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id!, type: 'evidence_added' })).toBe(2);
  });
});
