import type { MigrationInterface, QueryRunner } from 'typeorm';

/** People get a version (edits carry If-Match); set-password links sent to people by email. */
export class AccountAdministration1763900650000 implements MigrationInterface {
  name = 'AccountAdministration1763900650000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "people" ADD "version" integer NOT NULL DEFAULT 1`);
    await q.query(`CREATE TABLE "password_links" (
      "id" uuid NOT NULL,
      "person_id" uuid NOT NULL,
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "used_at" TIMESTAMP WITH TIME ZONE,
      "created_by" uuid,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_password_links" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_password_links_person" ON "password_links" ("person_id")`);
    await q.query(`CREATE INDEX "IDX_password_links_expires" ON "password_links" ("expires_at")`);
    await q.query(
      `ALTER TABLE "password_links" ADD CONSTRAINT "FK_password_links_person" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "password_links"`);
    await q.query(`ALTER TABLE "people" DROP COLUMN "version"`);
  }
}
