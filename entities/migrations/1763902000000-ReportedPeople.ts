import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who owned and led a long-closed imported item, as text, when they are not people in the product (entities/Recommendation.ts). */
export class ReportedPeople1763902000000 implements MigrationInterface {
  name = 'ReportedPeople1763902000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "recommendations" ADD "reported_owner" text`);
    await q.query(`ALTER TABLE "recommendations" ADD "reported_lead" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "recommendations" DROP COLUMN "reported_lead"`);
    await q.query(`ALTER TABLE "recommendations" DROP COLUMN "reported_owner"`);
  }
}
