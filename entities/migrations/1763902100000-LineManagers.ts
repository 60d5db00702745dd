import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Whom each person reports to (entities/Person.ts), as the people import brings it from an HR export. */
export class LineManagers1763902100000 implements MigrationInterface {
  name = 'LineManagers1763902100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "people" ADD "line_manager_id" uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "people" DROP COLUMN "line_manager_id"`);
  }
}
