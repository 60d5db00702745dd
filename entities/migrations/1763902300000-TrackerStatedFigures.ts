import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What trackers state (report rows' status lines and counts, category totals), kept with each import (entities/TrackerStatedFigure.ts). */
export class TrackerStatedFigures1763902300000 implements MigrationInterface {
  name = 'TrackerStatedFigures1763902300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "tracker_imports" (
      "id" uuid NOT NULL,
      "imported_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "imported_by" uuid,
      "imported_by_label" text NOT NULL,
      "rows" integer NOT NULL,
      CONSTRAINT "PK_tracker_imports" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "tracker_stated_figures" (
      "id" uuid NOT NULL,
      "import_id" uuid NOT NULL REFERENCES "tracker_imports" ("id"),
      "row" integer,
      "scope" text NOT NULL CHECK ("scope" IN ('report', 'category')),
      "source_report_id" uuid REFERENCES "source_reports" ("id"),
      "report_title" text,
      "originator" text,
      "category" integer,
      "status_line" text,
      "line_closes" boolean,
      "stated_outstanding" integer CHECK ("stated_outstanding" >= 0),
      "stated_closed" integer CHECK ("stated_closed" >= 0),
      "stated_total" integer CHECK ("stated_total" >= 0),
      "rows_listed" integer NOT NULL,
      "rows_outstanding" integer NOT NULL,
      "rows_closed" integer NOT NULL,
      CONSTRAINT "PK_tracker_stated_figures" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_tracker_stated_figures_import" ON "tracker_stated_figures" ("import_id", "row")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "tracker_stated_figures"`);
    await q.query(`DROP TABLE "tracker_imports"`);
  }
}
