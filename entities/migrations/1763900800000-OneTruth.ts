import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Command receipts: every lifecycle command recorded, by the key its request carried, with a fingerprint of what
 * it asked and the item's version it produced (a retry finds its receipt; a key reused for another command is
 * refused). Outbox leases: a row being sent is not sent again until its lease runs out.
 */
export class OneTruth1763900800000 implements MigrationInterface {
  name = 'OneTruth1763900800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "command_receipts" (
      "key" text NOT NULL,
      "recommendation_id" uuid NOT NULL,
      "command_type" text NOT NULL,
      "fingerprint" text NOT NULL,
      "version_after" integer NOT NULL,
      "actor_id" uuid,
      "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_command_receipts" PRIMARY KEY ("key"))`);
    await q.query(`CREATE INDEX "IDX_command_receipts_recommendation" ON "command_receipts" ("recommendation_id", "version_after")`);
    await q.query(
      `ALTER TABLE "command_receipts" ADD CONSTRAINT "FK_command_receipts_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id") ON DELETE CASCADE`,
    );
    await q.query(`ALTER TABLE "outbound_emails" ADD "lease_until" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "outbound_emails" DROP COLUMN "lease_until"`);
    await q.query(`DROP TABLE "command_receipts"`);
  }
}
