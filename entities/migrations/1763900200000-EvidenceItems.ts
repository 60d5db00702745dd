import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EvidenceItems1763900200000 implements MigrationInterface {
  name = 'EvidenceItems1763900200000';

  async up(q: QueryRunner): Promise<void> {
    // Routing rules have text ids; the audit trail names them too. The trigger forbids UPDATE, not ALTER.
    await q.query(`ALTER TABLE "audit_events" ALTER COLUMN "entity_id" TYPE text`);
    await q.query(`CREATE TABLE "evidence_items" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "recommendation_id" uuid NOT NULL,
      "kind" text NOT NULL,
      "title" text NOT NULL,
      "url" text,
      "note" text,
      "content_type" text,
      "size_bytes" integer,
      "sha256" text,
      "content" bytea,
      "added_by" uuid,
      "added_by_label" text NOT NULL,
      "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_evidence_items" PRIMARY KEY ("id"),
      CONSTRAINT "FK_evidence_items_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id") ON DELETE RESTRICT)`);
    await q.query(`CREATE INDEX "IDX_evidence_items_recommendation" ON "evidence_items" ("recommendation_id", "added_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "evidence_items"`);
    await q.query(`ALTER TABLE "audit_events" ALTER COLUMN "entity_id" TYPE uuid USING "entity_id"::uuid`);
  }
}
