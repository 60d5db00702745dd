import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every department a person or item already names becomes a department row, so forms offer it and a save keeps it. */
export class DepartmentsInUse1763900900000 implements MigrationInterface {
  name = 'DepartmentsInUse1763900900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`INSERT INTO "departments" ("name")
      SELECT DISTINCT d FROM (SELECT "department" AS d FROM "people" UNION SELECT "department" FROM "recommendations") used
       WHERE d IS NOT NULL AND btrim(d) <> ''
      ON CONFLICT ("name") DO NOTHING`);
  }

  async down(): Promise<void> {
    // Rows added here are indistinguishable from rows an administrator added: they stay.
  }
}
