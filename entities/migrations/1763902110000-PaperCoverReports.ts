import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The last cover report saved for each kind of committee paper (api/papers/coverReportStore.ts); earlier texts are on the audit trail. */
export class PaperCoverReports1763902110000 implements MigrationInterface {
  name = 'PaperCoverReports1763902110000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "paper_cover_reports" (
      "paper_kind" text NOT NULL,
      "text" jsonb NOT NULL,
      "saved_by" uuid,
      "saved_by_label" text NOT NULL,
      "saved_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_paper_cover_reports" PRIMARY KEY ("paper_kind"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "paper_cover_reports"`);
  }
}
