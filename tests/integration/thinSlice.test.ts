import { Person, Recommendation, AuditEvent, OutboundEmail } from '../../entities';
import { stateQuery, recommendationWorkflowId } from '../../workflows/messages';
import { eventually } from '../support/eventually';
import { tokenFor } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** The walking skeleton end to end: HTTP → PostgreSQL → Temporal workflow → activity → SMTP. */
describe('thin slice: log a report, assign an owner, the owner gets an email task', () => {
  let product: TestProduct;
  let owner: Person;
  let lead: Person;
  let admin: Person;

  beforeAll(async () => {
    product = await startTestProduct();
    const people = product.app.dataSource.getRepository(Person);
    owner = await people.save(
      people.create({
        name: 'Tom Ellery',
        email: 'tom.ellery@test.police.uk',
        roles: ['action_owner'],
        jobTitle: 'Detective Chief Inspector',
        department: 'Public Protection',
      }),
    );
    lead = await people.save(
      people.create({
        name: 'Nadia Haskins',
        email: 'nadia.haskins@test.police.uk',
        roles: ['lead'],
        jobTitle: 'Detective Superintendent',
        department: 'Public Protection',
      }),
    );
    admin = await people.save(
      people.create({
        name: 'Priya Natarajan',
        email: 'priya.natarajan@test.police.uk',
        roles: ['administrator'],
        jobTitle: 'Strategic Development Officer',
      }),
    );
  });

  afterAll(async () => {
    await product?.stop();
  });

  /** As the administrator, with an API token. */
  const post = async (path: string, body: unknown) =>
    fetch(`${product.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(product, admin.id)}` },
      body: JSON.stringify(body),
    });

  it('creates the rows, starts one workflow per recommendation, assigns, emails and shows the history', async () => {
    const created = await post('/api/reports', {
      title: 'Stalking and harassment: An inspection of Demo Police',
      originator: 'HMICFRS',
      kind: 'inspection',
      scope: 'force',
      publishedOn: '2019-04-01',
      recommendations: [
        {
          reference: '1',
          kind: 'recommendation',
          text: 'Within six months chief constables should ensure that forces record stalking or harassment crimes if appropriate when victims report breaches of orders.',
          addressedTo: 'Chief constables',
          category: 3,
          department: 'Public Protection',
        },
      ],
    });
    expect(created.status).toBe(201);
    const report = (await created.json()) as { id: string; recommendations: { id: string; status: string }[] };
    expect(created.headers.get('location')).toBe(`/api/reports/${report.id}`);
    expect(report.recommendations).toHaveLength(1);
    const recommendationId = report.recommendations[0]!.id;

    const row = await product.app.dataSource.manager.findOneByOrFail(Recommendation, { id: recommendationId });
    expect(row.status).toBe('logged');
    expect(row.workflowId).toBe(recommendationWorkflowId(recommendationId));
    const logged = await product.app.dataSource.manager.findBy(AuditEvent, { recommendationId });
    expect(logged.map((e) => e.type)).toEqual(['recommendation_logged']);

    const handle = product.app.client.workflow.getHandle(recommendationWorkflowId(recommendationId));
    expect((await handle.query(stateQuery)).status).toBe('logged');
    // Starting twice is a no-op: the same run keeps going.
    const { runId } = await handle.describe();
    await product.app.services.reports['workflows'].ensureStarted(recommendationId, row.state, row.version);
    expect((await handle.describe()).runId).toBe(runId);

    const assigned = await post(`/api/recommendations/${recommendationId}/assign`, {
      ownerId: owner.id,
      leadId: lead.id,
      dueDate: '2027-03-31',
    });
    expect(assigned.status).toBe(200);
    const view = (await assigned.json()) as { status: string; owner: { id: string }; lead: { id: string }; dueDate: string };
    expect(view).toMatchObject({ status: 'assigned', owner: { id: owner.id }, lead: { id: lead.id }, dueDate: '2027-03-31' });

    expect(await handle.query(stateQuery)).toMatchObject({ status: 'assigned', ownerId: owner.id, leadId: lead.id, dueDate: '2027-03-31' });

    const email = await product.sink.waitFor((m) => m.to.includes(owner.email), { timeoutMs: 20_000 });
    expect(email.subject).toContain('due 31 March 2027');
    expect(email.subject).toContain('recommendation 1');
    expect(email.text).toContain('Stalking and harassment');
    expect(email.text).toContain(`http://tracker.test/recommendations/${recommendationId}`);
    expect(email.html).toContain(`href="http://tracker.test/recommendations/${recommendationId}"`);

    // The email is an audit event too, once the outbox row is marked sent.
    const leadEmail = await product.sink.waitFor((m) => m.to.includes(lead.email), { timeoutMs: 20_000 });
    expect(leadEmail.subject).toContain('You are the lead');

    const outbox = await eventually(
      () => product.app.dataSource.manager.findBy(OutboundEmail, { recommendationId }),
      (rows) => rows.length === 2 && rows.every((row) => row.status === 'sent'),
      { what: 'both outbox rows to be marked sent' },
    );
    expect(email.messageId).toBe(`<${outbox.find((row) => row.recipientId === owner.id)!.id}@tracker.test>`);

    const fetched = await fetch(`${product.baseUrl}/api/recommendations/${recommendationId}`, {
      headers: { authorization: `Bearer ${await tokenFor(product, owner.id)}` },
    });
    expect(fetched.status).toBe(200);
    const full = (await fetched.json()) as {
      status: string;
      owner: { name: string };
      history: { type: string; actor: string; summary: string }[];
    };
    expect(full.status).toBe('assigned');
    expect(full.owner.name).toBe('Tom Ellery');
    expect(full.history.map((h) => h.type)).toEqual(['recommendation_logged', 'owner_assigned', 'email_sent', 'email_sent']);
    expect(full.history[1]!.summary).toContain('Tom Ellery');
  });
});
