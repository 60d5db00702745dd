import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The force's layout of each kind of committee paper (api/papers/layoutStore.ts); earlier layouts are on the audit trail. */
export class PaperLayouts1763902200000 implements MigrationInterface {
  name = 'PaperLayouts1763902200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "paper_layouts" (
      "paper_kind" text NOT NULL,
      "layout" jsonb NOT NULL,
      "saved_by" uuid,
      "saved_by_label" text NOT NULL,
      "saved_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_paper_layouts" PRIMARY KEY ("paper_kind"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "paper_layouts"`);
  }
}
