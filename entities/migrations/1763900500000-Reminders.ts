import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Reminders1763900500000 implements MigrationInterface {
  name = 'Reminders1763900500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "people" ADD "digest_preference" text NOT NULL DEFAULT 'daily'`);
    await q.query(`ALTER TABLE "outbound_emails" ADD "calendar_event" text`);
    await q.query(`CREATE TABLE "force_settings" (
      "key" text NOT NULL,
      "value" jsonb NOT NULL,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "version" integer NOT NULL,
      CONSTRAINT "PK_force_settings" PRIMARY KEY ("key"))`);
    await q.query(`CREATE TABLE "digest_entries" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "person_id" uuid NOT NULL,
      "recommendation_id" uuid NOT NULL,
      "nudge_key" text NOT NULL,
      "kind" text NOT NULL,
      "line" text NOT NULL,
      "link" text NOT NULL,
      "due_date" date,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "outbound_email_id" uuid,
      "sent_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_digest_entries" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_digest_entries_pending" ON "digest_entries" ("person_id", "sent_at")`);
    await q.query(`CREATE UNIQUE INDEX "IDX_digest_entries_nudge" ON "digest_entries" ("nudge_key", "person_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "digest_entries"`);
    await q.query(`DROP TABLE "force_settings"`);
    await q.query(`ALTER TABLE "outbound_emails" DROP COLUMN "calendar_event"`);
    await q.query(`ALTER TABLE "people" DROP COLUMN "digest_preference"`);
  }
}
