import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "people" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "name" text NOT NULL,
      "email" text NOT NULL,
      "roles" text array NOT NULL DEFAULT '{}',
      "job_title" text NOT NULL DEFAULT '',
      "department" text NOT NULL DEFAULT '',
      "active" boolean NOT NULL DEFAULT true,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_people" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_people_email" UNIQUE ("email"))`);

    await q.query(`CREATE TABLE "source_reports" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "title" text NOT NULL,
      "originator" text NOT NULL,
      "kind" text NOT NULL,
      "scope" text NOT NULL,
      "published_on" date NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_source_reports" PRIMARY KEY ("id"))`);

    await q.query(`CREATE TABLE "recommendations" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "report_id" uuid NOT NULL,
      "reference" text NOT NULL,
      "kind" text NOT NULL,
      "text" text NOT NULL,
      "addressed_to" text NOT NULL DEFAULT '',
      "for_the_force" boolean NOT NULL DEFAULT true,
      "category" smallint,
      "department" text,
      "status" text NOT NULL,
      "owner_id" uuid,
      "lead_id" uuid,
      "due_date" date,
      "state" jsonb NOT NULL,
      "version" integer NOT NULL DEFAULT 0,
      "workflow_id" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_recommendations" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_recommendations_workflow_id" UNIQUE ("workflow_id"),
      CONSTRAINT "FK_recommendations_report" FOREIGN KEY ("report_id") REFERENCES "source_reports"("id") ON DELETE RESTRICT,
      CONSTRAINT "FK_recommendations_owner" FOREIGN KEY ("owner_id") REFERENCES "people"("id"),
      CONSTRAINT "FK_recommendations_lead" FOREIGN KEY ("lead_id") REFERENCES "people"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_recommendations_report_reference" ON "recommendations" ("report_id", "reference")`);

    await q.query(`CREATE TABLE "audit_events" (
      "id" BIGSERIAL NOT NULL,
      "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "actor_id" uuid,
      "actor_label" text NOT NULL,
      "entity_type" text NOT NULL,
      "entity_id" uuid NOT NULL,
      "recommendation_id" uuid,
      "type" text NOT NULL,
      "summary" text NOT NULL,
      "before" jsonb,
      "after" jsonb,
      "idempotency_key" text,
      CONSTRAINT "PK_audit_events" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_audit_events_idempotency_key" UNIQUE ("idempotency_key"))`);
    await q.query(`CREATE INDEX "IDX_audit_events_recommendation" ON "audit_events" ("recommendation_id", "occurred_at")`);
    await q.query(`CREATE INDEX "IDX_audit_events_entity" ON "audit_events" ("entity_type", "entity_id", "occurred_at")`);
    // The audit trail is append-only: history that can be rewritten cannot back an "as at" committee paper.
    await q.query(`CREATE FUNCTION audit_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP; END $$`);
    await q.query(`CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
      FOR EACH ROW EXECUTE FUNCTION audit_events_are_append_only()`);

    await q.query(`CREATE TABLE "outbound_emails" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "transition_id" text NOT NULL,
      "template" text NOT NULL,
      "recipient_id" uuid NOT NULL,
      "to_address" text NOT NULL,
      "recommendation_id" uuid,
      "subject" text NOT NULL,
      "body_text" text NOT NULL,
      "body_html" text NOT NULL,
      "status" text NOT NULL DEFAULT 'pending',
      "attempts" integer NOT NULL DEFAULT 0,
      "last_error" text,
      "sent_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_outbound_emails" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE UNIQUE INDEX "IDX_outbound_emails_transition" ON "outbound_emails" ("transition_id", "template", "recipient_id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "outbound_emails"`);
    await q.query(`DROP TRIGGER "audit_events_append_only" ON "audit_events"`);
    await q.query(`DROP FUNCTION audit_events_are_append_only()`);
    await q.query(`DROP TABLE "audit_events"`);
    await q.query(`DROP TABLE "recommendations"`);
    await q.query(`DROP TABLE "source_reports"`);
    await q.query(`DROP TABLE "people"`);
  }
}
