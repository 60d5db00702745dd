import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Comments on items (entities/Comment.ts). */
export class Comments1763901800000 implements MigrationInterface {
  name = 'Comments1763901800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "comments" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "recommendation_id" uuid NOT NULL,
      "author_id" uuid NOT NULL,
      "author_name" text NOT NULL,
      "text" text NOT NULL,
      "notified" uuid array NOT NULL DEFAULT '{}',
      "idempotency_key" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_comments" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_comments_recommendation" ON "comments" ("recommendation_id", "created_at")`);
    await q.query(`CREATE UNIQUE INDEX "UQ_comments_idempotency_key" ON "comments" ("idempotency_key")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "comments"`);
  }
}
