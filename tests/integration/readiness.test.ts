import net from 'node:net';
import { OutboundEmail } from '../../entities';
import { addPeople, apiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** A local port nothing listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Readiness {
  status: string;
  checks: Record<string, { ok: boolean; detail?: string; degraded?: boolean }>;
  degraded?: string[];
}

/** A mail server that does not answer degrades the service (mail waits) but does not make it unready. */
describe('readiness without a mail server', () => {
  let product: TestProduct;

  beforeAll(async () => {
    product = await startTestProduct({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}` });
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('answers 200 "degraded" naming SMTP, as the OpenAPI document says, while commands still work and their emails wait', async () => {
    const api = apiClient(product);
    // apiClient checks every answer against /api/openapi.json.
    const ready = await api.call<Readiness>('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.degraded).toEqual(['smtp']);
    expect(ready.body.checks.smtp).toMatchObject({ ok: false, degraded: true });
    expect(ready.body.checks.smtp!.detail).toMatch(/^the mail server did not answer .*emails wait in the outbox/);
    expect([ready.body.checks.postgres, ready.body.checks.temporal]).toEqual([{ ok: true }, { ok: true }]);

    const p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      lead: { name: 'Nadia Haskins', roles: ['lead'] },
    });
    api.actingAs(p.admin.id);
    const [id] = await api.createReport({
      title: 'Mail is down',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', category: 2 }],
    });
    const assigned = await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    expect(assigned.status).toBe('assigned');
    const waiting = await product.app.dataSource.manager.find(OutboundEmail, { where: { recommendationId: id! } });
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((row) => row.status === 'pending')).toBe(true);
  });
});
