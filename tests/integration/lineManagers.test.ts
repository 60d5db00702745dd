import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditEvent, Person } from '../../entities';
import { createDataSource, migrations } from '../../entities/dataSource';
import { LineManagerForeignKey1763902400000 } from '../../entities/migrations/1763902400000-LineManagerForeignKey';
import { databaseUrlFor, withPg } from '../../platform/postgresClient';
import { addCast, apiClient, tokenFor, type ApiClient, type Problem } from '../support/apiClient';
import { databaseFingerprint } from '../support/snapshot';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** people.line_manager_id names a person: the database holds to it, and the API and the import say which field does not. */
describe('line managers', () => {
  describe('the migration that adds the foreign key, on a database holding a line manager who is nobody', () => {
    const adminUrl = process.env.TEST_POSTGRES_ADMIN_URL!;
    const database = `rt_test_${randomBytes(6).toString('hex')}`;
    const url = databaseUrlFor(adminUrl, database);
    const dataSources: DataSource[] = [];
    beforeAll(() => withPg(adminUrl, (c) => c.query(`CREATE DATABASE ${database}`)));
    afterAll(async () => {
      for (const ds of dataSources) if (ds.isInitialized) await ds.destroy();
      await withPg(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    });

    it('clears the dangling reference, bumps the version, says so on the audit trail, then adds the constraint', async () => {
      const before = migrations.indexOf(LineManagerForeignKey1763902400000);
      expect(before).toBe(migrations.length - 1);
      const earlier = createDataSource(url).setOptions({ migrations: migrations.slice(0, before) });
      dataSources.push(earlier);
      await earlier.initialize();
      await earlier.runMigrations({ transaction: 'each' });

      const gone = randomUUID();
      const [manager] = (await earlier.query(
        `INSERT INTO people (name, email, roles) VALUES ('Nadia Haskins', 'nadia@force.police.uk', '{lead}') RETURNING id`,
      )) as { id: string }[];
      await earlier.query(
        `INSERT INTO people (name, email, roles, line_manager_id) VALUES
           ('Tom Ellery', 'tom@force.police.uk', '{action_owner}', $1),
           ('Lucy Brannigan', 'lucy@force.police.uk', '{action_owner}', $2)`,
        [manager!.id, gone],
      );
      await earlier.destroy();

      const current = createDataSource(url);
      dataSources.push(current);
      await current.initialize();
      expect(await current.runMigrations({ transaction: 'each' })).toEqual([
        expect.objectContaining({ name: 'LineManagerForeignKey1763902400000' }),
      ]);

      const byEmail = new Map((await current.manager.find(Person)).map((p) => [p.email, p]));
      expect(byEmail.get('tom@force.police.uk')).toMatchObject({ lineManagerId: manager!.id, version: 1 });
      const lucy = byEmail.get('lucy@force.police.uk')!;
      expect(lucy).toMatchObject({ lineManagerId: null, version: 2 });
      expect(await current.manager.find(AuditEvent, { where: { entityType: 'person' } })).toEqual([
        expect.objectContaining({
          entityId: lucy.id,
          actorId: null,
          actorLabel: 'Recommendation tracker (database upgrade)',
          type: 'person_changed',
          summary: `Changed lineManagerId of Lucy Brannigan: the line manager it named (${gone}) is not a person in the product`,
          before: { lineManagerId: gone },
          after: { lineManagerId: null },
        }),
      ]);
      await expect(current.query(`UPDATE people SET line_manager_id = $1 WHERE id = $2`, [gone, lucy.id])).rejects.toThrow(
        /people_line_manager_id_fkey/,
      );
    });
  });

  describe('on a running product', () => {
    let product: TestProduct;
    let api: ApiClient;
    let cast: Record<'admin' | 'owner' | 'lead', Person>;
    beforeAll(async () => {
      product = await startTestProduct();
      api = apiClient(product);
      cast = await addCast(product.app.dataSource, 'admin', 'owner', 'lead');
      api.actingAs(cast.admin.id);
    });
    afterAll(async () => {
      await product?.stop();
    });

    it('refuses, naming lineManagerId, a person added or changed with a line manager who is nobody, and writes nothing', async () => {
      expect((await api.call('GET', '/api/people')).status).toBe(200); // the client's API token is minted on its first call
      const before = await databaseFingerprint(product.app.dataSource);
      const nobody = randomUUID();
      const added = await api.call<Problem>('POST', '/api/people', {
        name: 'Tom Ellery',
        email: 'tom.ellery@force.police.uk',
        roles: ['action_owner'],
        lineManagerId: nobody,
      });
      expect(added.status).toBe(400);
      expect(added.body.errors).toEqual([{ field: 'body.lineManagerId', message: 'is not the id of a person in the product' }]);
      const changed = await api.call<Problem>('PATCH', `/api/people/${cast.owner.id}`, { lineManagerId: nobody });
      expect(changed.status).toBe(400);
      expect(changed.body.errors).toEqual([{ field: 'body.lineManagerId', message: 'is not the id of a person in the product' }]);
      expect(await databaseFingerprint(product.app.dataSource)).toEqual(before);

      const set = await api.call<{ lineManagerId: string }>('PATCH', `/api/people/${cast.owner.id}`, { lineManagerId: cast.lead.id });
      expect(set.status).toBe(200);
      expect(set.body.lineManagerId).toBe(cast.lead.id);
    });

    it('refuses an import naming a line manager who is nobody, by row and column, and imports nothing', async () => {
      const token = await tokenFor(product, cast.admin.id);
      const before = await databaseFingerprint(product.app.dataSource);
      const response = await fetch(`${product.baseUrl}/api/people/import?dryRun=false`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
        body: [
          'Full name,Work email,Role,Line manager',
          'Lucy Brannigan,lucy.brannigan@force.police.uk,Action owner,left@force.police.uk',
        ].join('\r\n'),
      });
      expect(response.status).toBe(422);
      expect(((await response.json()) as Problem).errors).toEqual([
        { field: 'row 2: Line manager email', message: 'left@force.police.uk is neither in the file nor a person in the product' },
      ]);
      expect(await databaseFingerprint(product.app.dataSource)).toEqual(before);
    });

    it('holds in the database too: no dangling line manager, and no deleting someone who is still a line manager', async () => {
      const db = product.app.dataSource;
      await db.query(`UPDATE people SET line_manager_id = $1 WHERE id = $2`, [cast.lead.id, cast.owner.id]);
      await expect(db.query(`UPDATE people SET line_manager_id = $1 WHERE id = $2`, [randomUUID(), cast.admin.id])).rejects.toThrow(
        /violates foreign key constraint "people_line_manager_id_fkey"/,
      );
      await expect(db.query(`DELETE FROM people WHERE id = $1`, [cast.lead.id])).rejects.toThrow(/people_line_manager_id_fkey/);
      expect(await db.manager.findOneBy(Person, { id: cast.owner.id })).toMatchObject({ lineManagerId: cast.lead.id });
    });
  });
});
