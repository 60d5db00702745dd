import { AuditEvent } from '../../entities';
import { startTestProduct, type TestProduct } from '../support/testProduct';

describe('database schema', () => {
  let product: TestProduct;
  beforeAll(async () => {
    product = await startTestProduct();
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('is exactly what the entities describe once migrations have run (no drift)', async () => {
    const pending = await product.app.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    expect(await product.app.dataSource.showMigrations()).toBe(false);
  });

  it('keeps the audit trail append-only', async () => {
    const repo = product.app.dataSource.getRepository(AuditEvent);
    const event = await repo.save(
      repo.create({
        occurredAt: new Date(),
        actorId: null,
        actorLabel: 'test',
        entityType: 'person',
        entityId: '00000000-0000-4000-8000-000000000001',
        recommendationId: null,
        type: 'person_added',
        summary: 'x',
        before: null,
        after: null,
      }),
    );
    await expect(repo.update({ id: event.id }, { summary: 'rewritten' })).rejects.toThrow(/append-only: UPDATE/);
    await expect(repo.delete({ id: event.id })).rejects.toThrow(/append-only: DELETE/);
  });
});
