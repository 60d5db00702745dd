import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Set-up codes for the first-run page: hashes only (entities/SetupCode.ts). */
export class SetupCodes1763901000000 implements MigrationInterface {
  name = 'SetupCodes1763901000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "setup_codes" (
      "id" uuid NOT NULL,
      "code_hash" text NOT NULL,
      "issued_by" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_setup_codes" PRIMARY KEY ("id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "setup_codes"`);
  }
}
