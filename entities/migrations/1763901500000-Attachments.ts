import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Files attached to the self-certification letter, the submission to HMICFRS and HMICFRS's responses. */
export class Attachments1763901500000 implements MigrationInterface {
  name = 'Attachments1763901500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "attachments" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "recommendation_id" uuid NOT NULL,
      "record_kind" text NOT NULL,
      "record_id" uuid NOT NULL,
      "title" text NOT NULL,
      "content_type" text NOT NULL,
      "size_bytes" integer NOT NULL,
      "sha256" text NOT NULL,
      "content" bytea NOT NULL,
      "added_by" uuid,
      "added_by_label" text NOT NULL,
      "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_attachments" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_attachments_record_kind" CHECK ("record_kind" IN ('self_certification_letter', 'hmicfrs_submission', 'hmicfrs_response')),
      CONSTRAINT "FK_attachments_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id") ON DELETE RESTRICT)`);
    await q.query(`CREATE INDEX "IDX_attachments_recommendation" ON "attachments" ("recommendation_id", "added_at")`);
    await q.query(`CREATE UNIQUE INDEX "IDX_attachments_record_file" ON "attachments" ("record_id", "sha256")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "attachments"`);
  }
}
