import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The emails still to send, oldest first: for the worker's outbox sweep and the outbox metrics. */
export class PendingOutbox1763901900000 implements MigrationInterface {
  name = 'PendingOutbox1763901900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_outbound_emails_pending" ON "outbound_emails" ("created_at") WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_outbound_emails_pending"`);
  }
}
