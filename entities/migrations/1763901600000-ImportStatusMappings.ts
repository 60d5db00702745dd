import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The force's own status wordings and what they mean (entities/ImportStatusMapping.ts); each item's status as last reported. */
export class ImportStatusMappings1763901600000 implements MigrationInterface {
  name = 'ImportStatusMappings1763901600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "import_status_mappings" (
      "wording_key" text NOT NULL,
      "wording" text NOT NULL,
      "status" text NOT NULL,
      "confirmed_by" uuid,
      "confirmed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_import_status_mappings" PRIMARY KEY ("wording_key"))`);
    await q.query(`ALTER TABLE "recommendations" ADD "reported_status" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "recommendations" DROP COLUMN "reported_status"`);
    await q.query(`DROP TABLE "import_status_mappings"`);
  }
}
