import { checkpointText, itemsWithBrokenTrails, parseCheckpoint, signCheckpoint, verifyAuditChain } from '../../api/audit/chain';
import { dataSourceDatabase } from '../../api/papers/asAt';
import { producePaper } from '../../api/papers/service';
import type { Person } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { addCast, apiClient, signIn, type ApiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';

/**
 * The audit trail as a superuser could alter it behind the product's back (replica mode switches the append-only
 * trigger off, as ALTER TABLE … DISABLE TRIGGER would): every kind of tampering is found, named, and shown.
 */
describe('the audit trail hash chain', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead', Person>;
  let secret: string;
  const items: string[] = [];

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead');
    api.actingAs(p.admin.id);
    secret = product.app.services.auth.settings.sessionSecret;
    items.push(
      ...(await api.createReport({
        title: 'Chained',
        originator: 'HMICFRS',
        kind: 'inspection',
        recommendations: [{ reference: '1' }, { reference: '2' }, { reference: '3' }],
      })),
    );
    for (const id of items) await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    for (const id of items) await api.command(id, { type: 'accept' }, p.owner.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const db = () => product.app.dataSource;
  const verify = (given = [] as ReturnType<typeof signCheckpoint>[]) => verifyAuditChain(db().manager, secret, given);
  /** As a superuser would: with the append-only trigger switched off for this session. */
  const behindTheBack = (sql: string, parameters: unknown[] = []) =>
    db().transaction(async (tx) => {
      await tx.query(`SET LOCAL session_replication_role = replica`);
      await tx.query(sql, parameters);
    });
  const eventsOf = async (id: string) =>
    (await db().query(`SELECT id::text, chain_seq::text AS seq FROM audit_events WHERE recommendation_id = $1 ORDER BY chain_seq`, [
      id,
    ])) as { id: string; seq: string }[];

  it('chains every event, in one unbroken order, even when many are written at once', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        db().transaction((tx) =>
          recordAudit(
            tx,
            { actorId: null, actorLabel: 'test', entityType: 'person', entityId: p.admin.id, type: 'note', summary: `parallel ${i}` },
            { actorId: null, actorLabel: 'test', entityType: 'person', entityId: p.admin.id, type: 'note', summary: `parallel ${i} b` },
          ),
        ),
      ),
    );
    const [{ n, max }] = (await db().query(`SELECT count(*)::int AS n, max(chain_seq)::int AS max FROM audit_events`)) as {
      n: number;
      max: number;
    }[];
    expect(max).toBe(n);
    const report = await verify();
    expect(report).toMatchObject({ events: n, firstBreak: null });
    expect(await itemsWithBrokenTrails(db().manager, items)).toEqual(new Set());
  });

  it('signs checkpoints of the chain head, and finds a forged one', async () => {
    const checkpoint = await product.app.services.auditChain.checkpoint();
    expect(checkpoint).not.toBeNull();
    expect(parseCheckpoint(checkpointText(checkpoint!))).toEqual(checkpoint);
    expect(await product.app.services.auditChain.checkpoint()).toBeNull(); // the head has not moved
    expect((await verify()).firstBreak).toBeNull();
    const forged = {
      ...checkpoint!,
      signature: signCheckpoint('not the product secret, at least 32 chars', checkpoint!.chainSeq, checkpoint!.hash).signature,
    };
    expect((await verify([forged])).firstBreak?.reason).toMatch(/not signed by this product/);
  });

  it('finds an event changed behind the product’s back, names it, and warns on the item page and in papers', async () => {
    const [, second] = await eventsOf(items[0]!);
    await behindTheBack(`UPDATE audit_events SET summary = 'Nothing happened here' WHERE id = $1`, [second!.id]);

    const report = await verify();
    expect(report.firstBreak).toMatchObject({ chainSeq: second!.seq, eventId: second!.id, recommendationId: items[0] });
    expect(report.firstBreak!.reason).toMatch(/changed after it was written/);
    expect(await itemsWithBrokenTrails(db().manager, items)).toEqual(new Set([items[0]]));

    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    const { cookie } = await signIn(product.baseUrl, p.admin.email, PASSWORD);
    const page = (path: string) => fetch(`${product.baseUrl}${path}`, { headers: { cookie } }).then((r) => r.text());
    expect(await page(`/recommendations/${items[0]}`)).toContain('history has been altered outside the service');
    expect(await page(`/recommendations/${items[1]}`)).not.toContain('history has been altered');
    await product.app.services.auditChain.verify();
    expect(await page('/admin/audit-trail')).toContain(`The first broken link is entry ${second!.seq}`);

    const paper = await producePaper(
      dataSourceDatabase(db()),
      { kind: 'tracker', asAt: new Date().toISOString().slice(0, 10), scheme: 'A', format: 'html' },
      'Test',
    );
    expect(paper.body.toString('utf8')).toMatch(/Warning: the audit trail of one item was altered outside the service[^<]*Chained, 1/);
    const fromApi = await fetch(`${product.baseUrl}/api/papers/tracker?format=html&scheme=A`, { headers: { cookie } }).then((r) =>
      r.text(),
    );
    expect(fromApi).toMatch(/Warning: the audit trail of one item was altered outside the service[^<]*Chained, 1/);
  });

  it('finds an event removed from between two others of an item', async () => {
    const [, middle] = await eventsOf(items[1]!);
    await behindTheBack(`DELETE FROM audit_events WHERE id = $1`, [middle!.id]);
    expect(await itemsWithBrokenTrails(db().manager, items)).toEqual(new Set([items[0], items[1]]));
  });

  it('finds the trail emptied (TRUNCATE) from its signed checkpoint', async () => {
    await db().query(`TRUNCATE audit_events CASCADE`);
    const report = await verify();
    expect(report.events).toBe(0);
    expect(report.firstBreak?.reason).toMatch(/no longer on the trail/);
  });
});
