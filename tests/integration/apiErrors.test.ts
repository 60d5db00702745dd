import { AuditEvent, Person, Recommendation, SourceReport } from '../../entities';
import { tokenFor } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

interface Problem {
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

/** Bad input gets a clear error naming the field and the reason, and nothing is written. */
describe('api errors', () => {
  let product: TestProduct;
  let owner: Person;
  let lead: Person;
  let admin: Person;

  beforeAll(async () => {
    product = await startTestProduct();
    const people = product.app.dataSource.getRepository(Person);
    owner = await people.save(people.create({ name: 'Ian Carrow', email: 'ian.carrow@test.police.uk', roles: ['action_owner'] }));
    lead = await people.save(people.create({ name: 'Joanna Merrick', email: 'joanna.merrick@test.police.uk', roles: ['lead'] }));
    admin = await people.save(
      people.create({ name: 'Hannah Whitcombe', email: 'hannah.whitcombe@test.police.uk', roles: ['administrator'] }),
    );
    await tokenFor(product, admin.id); // issued (and audited) before any test counts rows
  });
  afterAll(async () => {
    await product?.stop();
  });

  /** As the administrator (an API token) unless `headers` says otherwise. */
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${product.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(product, admin.id)}`, ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: (await response.json()) as Problem & Record<string, unknown>,
      headers: response.headers,
    };
  };

  const counts = async () => ({
    reports: await product.app.dataSource.manager.count(SourceReport),
    recommendations: await product.app.dataSource.manager.count(Recommendation),
    audit: await product.app.dataSource.manager.count(AuditEvent),
  });

  const validReport = {
    title: 'Roads Policing: Not optional',
    originator: 'HMICFRS',
    kind: 'inspection',
    scope: 'national',
    publishedOn: '2020-07-15',
    recommendations: [
      {
        reference: '1',
        kind: 'recommendation',
        text: 'By April 2021, chief constables should ensure roads policing is in their strategic assessment.',
      },
    ],
  };

  it('names every bad field of a report and writes nothing', async () => {
    const before = await counts();
    const response = await request('POST', '/api/reports', {
      ...validReport,
      kind: 'memo',
      publishedOn: '2020-02-30',
      colour: 'red',
      recommendations: [
        { reference: '1', kind: 'recommendation', text: '   ' },
        { reference: '1', kind: 'recommendation', text: 'Second item with a repeated reference' },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.type).toContain('application/problem+json');
    const fields = Object.fromEntries((response.body.errors ?? []).map((e) => [e.field, e.message]));
    expect(fields['body.kind']).toBeDefined();
    expect(fields['body.publishedOn']).toBe('must be a real date written YYYY-MM-DD');
    expect(fields['body']).toBe('unknown field(s): colour');
    expect(fields['body.recommendations[0].text']).toBe('must not be empty');
    expect(await counts()).toEqual(before);
  });

  it('rejects a repeated reference within a report', async () => {
    const response = await request('POST', '/api/reports', {
      ...validReport,
      recommendations: [validReport.recommendations[0], validReport.recommendations[0]],
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual({
      field: 'body.recommendations[1].reference',
      message: 'reference "1" is used twice in this report',
    });
  });

  it('answers malformed JSON and unknown routes with problem+json', async () => {
    const malformed = await request('POST', '/api/reports', '{"title": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.title).toBe('The request body is not valid JSON');
    const missing = await request('GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.type).toContain('application/problem+json');
    const badId = await request('GET', '/api/recommendations/not-a-uuid');
    expect(badId.status).toBe(400);
    expect(badId.body.errors).toEqual([{ field: 'params.id', message: 'must be a recommendation id (a UUID)' }]);
    const unknown = await request('GET', '/api/recommendations/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
  });

  it('refuses an assignment to unknown people or the wrong roles, naming the field', async () => {
    const created = await request('POST', '/api/reports', validReport);
    const id = (created.body.recommendations as { id: string }[])[0]!.id;
    const before = await counts();
    const response = await request('POST', `/api/recommendations/${id}/assign`, {
      ownerId: lead.id,
      leadId: '00000000-0000-4000-8000-000000000000',
      dueDate: '2027-01-31',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { field: 'body.ownerId', message: 'Joanna Merrick does not have the role "action owner"' },
      { field: 'body.leadId', message: 'no active person has this id' },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('answers a command the lifecycle refuses with 409 and its reason, and records nothing', async () => {
    const created = await request('POST', '/api/reports', { ...validReport, title: 'A report for refusals' });
    const id = (created.body.recommendations as { id: string }[])[0]!.id;
    const past = await request('POST', `/api/recommendations/${id}/assign`, { ownerId: owner.id, leadId: lead.id, dueDate: '2020-01-31' });
    expect(past.status).toBe(409);
    expect(past.body.detail).toMatch(/the due date 2020-01-31 is in the past/i);
    const row = await product.app.dataSource.manager.findOneByOrFail(Recommendation, { id });
    expect(row.status).toBe('logged');
    expect(row.version).toBe(0);
  });

  it('refuses a request without a working API token, and writes nothing', async () => {
    const before = await counts();
    for (const authorization of ['Bearer someone', 'Bearer rt_notarealtoken', 'Basic aGFubmFoOnBhc3N3b3Jk', 'Bearer ']) {
      const response = await request('POST', '/api/reports', validReport, { authorization });
      expect(response.status).toBe(401);
      expect(response.type).toContain('application/problem+json');
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    const anonymous = await fetch(`${product.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validReport),
    });
    expect(anonymous.status).toBe(401);
    // The header that named the caller before sign-in existed is no longer believed.
    const named = await fetch(`${product.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-person-id': admin.id },
      body: JSON.stringify(validReport),
    });
    expect(named.status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it("records the token's person as the actor", async () => {
    const response = await request('POST', '/api/reports', { ...validReport, title: 'Actor check' });
    expect(response.status).toBe(201);
    const event = await product.app.dataSource.manager.findOneByOrFail(AuditEvent, { entityId: response.body.id as string });
    expect(event).toMatchObject({ actorId: admin.id, actorLabel: 'Hannah Whitcombe', type: 'report_logged' });
  });

  it('serves health and readiness, and echoes a request id', async () => {
    const health = await fetch(`${product.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${product.baseUrl}/readyz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-request-id')).toBe('trace-123');
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { postgres: { ok: true }, migrations: { ok: true }, temporal: { ok: true }, smtp: { ok: true } },
    });
  });
});
