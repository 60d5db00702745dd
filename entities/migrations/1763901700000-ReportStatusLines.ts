import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A report's status as the force states it, for reports listed without their items (entities/SourceReport.ts). */
export class ReportStatusLines1763901700000 implements MigrationInterface {
  name = 'ReportStatusLines1763901700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "source_reports" ADD "status_line" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "source_reports" DROP COLUMN "status_line"`);
  }
}
