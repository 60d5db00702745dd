import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Emails of one batch of commands (a bulk assignment, the demo start): each row names its batch and is held until the
 * batch closes (or goes quiet), so a person's emails of one kind from it go out as one email (entities/emailBatches.ts).
 */
export class EmailBatches1763901300000 implements MigrationInterface {
  name = 'EmailBatches1763901300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "outbound_emails" ADD "batch_id" text`);
    await q.query(`ALTER TABLE "outbound_emails" ADD "hold_until" TIMESTAMP WITH TIME ZONE`);
    await q.query(`CREATE INDEX "IDX_outbound_emails_batch" ON "outbound_emails" ("batch_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_outbound_emails_batch"`);
    await q.query(`ALTER TABLE "outbound_emails" DROP COLUMN "hold_until"`);
    await q.query(`ALTER TABLE "outbound_emails" DROP COLUMN "batch_id"`);
  }
}
