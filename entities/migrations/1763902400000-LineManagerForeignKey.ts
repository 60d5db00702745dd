import type { MigrationInterface, QueryRunner } from 'typeorm';

/** people.line_manager_id must name a person (entities/Person.ts); until now nothing in the database said so. */
export class LineManagerForeignKey1763902400000 implements MigrationInterface {
  name = 'LineManagerForeignKey1763902400000';

  async up(q: QueryRunner): Promise<void> {
    // No person can be added or changed between the clearing below and the constraint's check.
    await q.query(`LOCK TABLE "people" IN SHARE ROW EXCLUSIVE MODE`);
    // Cleared, not refused: an id that names nobody tells the force nothing, and the audit event keeps it.
    await q.query(`WITH dangling AS (
        SELECT p."id", p."line_manager_id" FROM "people" p
        WHERE p."line_manager_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "people" m WHERE m."id" = p."line_manager_id")
      ), cleared AS (
        UPDATE "people" p SET "line_manager_id" = NULL, "version" = p."version" + 1
        FROM dangling d WHERE p."id" = d."id"
        RETURNING p."id", p."name", d."line_manager_id" AS "was"
      )
      INSERT INTO "audit_events" ("occurred_at", "actor_id", "actor_label", "entity_type", "entity_id", "type", "summary", "before", "after")
      SELECT now(), NULL, 'Recommendation tracker (database upgrade)', 'person', c."id"::text, 'person_changed',
        'Changed lineManagerId of ' || c."name" || ': the line manager it named (' || c."was" || ') is not a person in the product',
        jsonb_build_object('lineManagerId', c."was"), jsonb_build_object('lineManagerId', NULL)
      FROM cleared c ORDER BY c."name", c."id"`);
    await q.query(
      `ALTER TABLE "people" ADD CONSTRAINT "people_line_manager_id_fkey" FOREIGN KEY ("line_manager_id") REFERENCES "people" ("id") ON DELETE RESTRICT`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "people" DROP CONSTRAINT "people_line_manager_id_fkey"`);
  }
}
