import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lifecycle as queryable tables. Most are projections of the audit trail (the source of truth), written by
 * activities/projectTransition.ts in the same transaction as each transition; delegations, routing rules and
 * departments are reference data edited through the api.
 */
export class LifecycleRecords1763900100000 implements MigrationInterface {
  name = 'LifecycleRecords1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "departments" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "name" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_departments" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_departments_name" ON "departments" ("name")`);

    await q.query(`CREATE TABLE "delegations" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "from_person_id" uuid NOT NULL,
      "to_person_id" uuid NOT NULL,
      "starts_on" date NOT NULL,
      "ends_on" date NOT NULL,
      "reason" text NOT NULL DEFAULT '',
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_delegations" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_delegations_dates" CHECK ("ends_on" >= "starts_on"),
      CONSTRAINT "CHK_delegations_people" CHECK ("from_person_id" <> "to_person_id"),
      CONSTRAINT "FK_delegations_from_person" FOREIGN KEY ("from_person_id") REFERENCES "people"("id"),
      CONSTRAINT "FK_delegations_to_person" FOREIGN KEY ("to_person_id") REFERENCES "people"("id"))`);
    await q.query(`CREATE INDEX "IDX_delegations_from_person" ON "delegations" ("from_person_id", "starts_on", "ends_on")`);
    await q.query(`CREATE INDEX "IDX_delegations_to_person" ON "delegations" ("to_person_id", "starts_on", "ends_on")`);

    await q.query(`CREATE TABLE "routing_rules" (
      "id" text NOT NULL,
      "priority" integer NOT NULL,
      "match" jsonb NOT NULL DEFAULT '{}',
      "steps" jsonb NOT NULL,
      "description" text NOT NULL DEFAULT '',
      "active" boolean NOT NULL DEFAULT true,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "version" integer NOT NULL,
      CONSTRAINT "PK_routing_rules" PRIMARY KEY ("id"))`);

    await q.query(`CREATE TABLE "recommendation_parts" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "recommendation_id" uuid NOT NULL,
      "reference" text NOT NULL,
      "text" text NOT NULL,
      "status" text NOT NULL,
      "position" integer NOT NULL,
      CONSTRAINT "PK_recommendation_parts" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_recommendation_parts_status" CHECK ("status" IN ('not_started', 'in_progress', 'complete')),
      CONSTRAINT "FK_recommendation_parts_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_recommendation_parts_reference" ON "recommendation_parts" ("recommendation_id", "reference")`);

    await q.query(`CREATE TABLE "progress_updates" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "recommendation_id" uuid NOT NULL,
      "text" text NOT NULL,
      "author_id" uuid,
      "posted_on" date NOT NULL,
      "transition_id" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_progress_updates" PRIMARY KEY ("id"),
      CONSTRAINT "FK_progress_updates_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id"),
      CONSTRAINT "FK_progress_updates_author" FOREIGN KEY ("author_id") REFERENCES "people"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_progress_updates_transition" ON "progress_updates" ("transition_id")`);
    await q.query(`CREATE INDEX "IDX_progress_updates_recommendation" ON "progress_updates" ("recommendation_id", "posted_on")`);

    await q.query(`CREATE TABLE "evidence_submissions" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "recommendation_id" uuid NOT NULL,
      "version" integer NOT NULL,
      "kind" text NOT NULL,
      "summary" text NOT NULL,
      "submitted_by" uuid,
      "submitted_on" date NOT NULL,
      "transition_id" text NOT NULL,
      CONSTRAINT "PK_evidence_submissions" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_evidence_submissions_kind" CHECK ("kind" IN ('submitted', 'amended')),
      CONSTRAINT "FK_evidence_submissions_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id"),
      CONSTRAINT "FK_evidence_submissions_submitted_by" FOREIGN KEY ("submitted_by") REFERENCES "people"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_evidence_submissions_version" ON "evidence_submissions" ("recommendation_id", "version")`);

    await q.query(`CREATE TABLE "extension_requests" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "recommendation_id" uuid NOT NULL,
      "previous_due_date" date,
      "requested_due_date" date NOT NULL,
      "reason" text NOT NULL,
      "requested_by" uuid,
      "requested_on" date NOT NULL,
      "status" text NOT NULL DEFAULT 'pending',
      "decided_on" date,
      "decided_by" uuid,
      "decision_reason" text,
      "opened_transition_id" text NOT NULL,
      "closed_transition_id" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_extension_requests" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_extension_requests_status" CHECK ("status" IN ('pending', 'approved', 'refused', 'lapsed')),
      CONSTRAINT "FK_extension_requests_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id"),
      CONSTRAINT "FK_extension_requests_requested_by" FOREIGN KEY ("requested_by") REFERENCES "people"("id"),
      CONSTRAINT "FK_extension_requests_decided_by" FOREIGN KEY ("decided_by") REFERENCES "people"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_extension_requests_opened_transition" ON "extension_requests" ("opened_transition_id")`);
    await q.query(`CREATE INDEX "IDX_extension_requests_recommendation" ON "extension_requests" ("recommendation_id", "requested_on")`);

    await q.query(`CREATE TABLE "approval_requests" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "recommendation_id" uuid NOT NULL,
      "kind" text NOT NULL,
      "extension_request_id" uuid,
      "route_id" text NOT NULL,
      "started_on" date NOT NULL,
      "status" text NOT NULL DEFAULT 'open',
      "finished_on" date,
      "opened_transition_id" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_approval_requests" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_approval_requests_kind" CHECK ("kind" IN ('closure', 'extension')),
      CONSTRAINT "CHK_approval_requests_status" CHECK ("status" IN ('open', 'approved', 'rejected', 'outdated', 'cancelled')),
      CONSTRAINT "FK_approval_requests_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id"),
      CONSTRAINT "FK_approval_requests_extension_request" FOREIGN KEY ("extension_request_id") REFERENCES "extension_requests"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_approval_requests_opened_transition" ON "approval_requests" ("opened_transition_id", "kind")`);
    await q.query(`CREATE INDEX "IDX_approval_requests_recommendation" ON "approval_requests" ("recommendation_id", "kind", "started_on")`);

    await q.query(`CREATE TABLE "approval_steps" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "approval_request_id" uuid NOT NULL,
      "position" integer NOT NULL,
      "round" integer NOT NULL DEFAULT 1,
      "step" jsonb NOT NULL,
      "approver_id" uuid,
      "on_behalf_of" uuid,
      "opened_on" date,
      "waiting_reason" text,
      "decision" text,
      "decided_by" uuid,
      "decided_on" date,
      "comment" text,
      CONSTRAINT "PK_approval_steps" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_approval_steps_decision" CHECK ("decision" IN ('approved', 'rejected', 'outdated')),
      CONSTRAINT "FK_approval_steps_request" FOREIGN KEY ("approval_request_id") REFERENCES "approval_requests"("id") ON DELETE CASCADE,
      CONSTRAINT "FK_approval_steps_approver" FOREIGN KEY ("approver_id") REFERENCES "people"("id"),
      CONSTRAINT "FK_approval_steps_on_behalf_of" FOREIGN KEY ("on_behalf_of") REFERENCES "people"("id"),
      CONSTRAINT "FK_approval_steps_decided_by" FOREIGN KEY ("decided_by") REFERENCES "people"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_approval_steps_position" ON "approval_steps" ("approval_request_id", "position", "round")`);
    await q.query(`CREATE INDEX "IDX_approval_steps_approver" ON "approval_steps" ("approver_id", "decision")`);

    await q.query(`CREATE TABLE "self_certification_letters" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "recommendation_id" uuid NOT NULL,
      "signatory" text NOT NULL,
      "signatory_role" text,
      "letter_reference" text,
      "signed_on" date NOT NULL,
      "recorded_by" uuid,
      "transition_id" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_self_certification_letters" PRIMARY KEY ("id"),
      CONSTRAINT "FK_self_certification_letters_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id"),
      CONSTRAINT "FK_self_certification_letters_recorded_by" FOREIGN KEY ("recorded_by") REFERENCES "people"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_self_certification_letters_transition" ON "self_certification_letters" ("transition_id")`);
    await q.query(
      `CREATE INDEX "IDX_self_certification_letters_recommendation" ON "self_certification_letters" ("recommendation_id", "signed_on")`,
    );

    await q.query(`CREATE TABLE "hmicfrs_submissions" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "recommendation_id" uuid NOT NULL,
      "submitted_on" date NOT NULL,
      "submitted_by" uuid,
      "reference" text,
      "transition_id" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_hmicfrs_submissions" PRIMARY KEY ("id"),
      CONSTRAINT "FK_hmicfrs_submissions_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id"),
      CONSTRAINT "FK_hmicfrs_submissions_submitted_by" FOREIGN KEY ("submitted_by") REFERENCES "people"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_hmicfrs_submissions_transition" ON "hmicfrs_submissions" ("transition_id")`);
    await q.query(`CREATE INDEX "IDX_hmicfrs_submissions_recommendation" ON "hmicfrs_submissions" ("recommendation_id", "submitted_on")`);

    await q.query(`CREATE TABLE "hmicfrs_responses" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "recommendation_id" uuid NOT NULL,
      "outcome" text NOT NULL,
      "reasons" text,
      "visited_on" date,
      "recorded_on" date NOT NULL,
      "recorded_by" uuid,
      "transition_id" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_hmicfrs_responses" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_hmicfrs_responses_outcome" CHECK ("outcome" IN ('signed_off', 'not_accepted', 'reality_test', 'verification_visit')),
      CONSTRAINT "FK_hmicfrs_responses_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id"),
      CONSTRAINT "FK_hmicfrs_responses_recorded_by" FOREIGN KEY ("recorded_by") REFERENCES "people"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_hmicfrs_responses_transition" ON "hmicfrs_responses" ("transition_id")`);
    await q.query(`CREATE INDEX "IDX_hmicfrs_responses_recommendation" ON "hmicfrs_responses" ("recommendation_id", "recorded_on")`);

    await q.query(`CREATE TABLE "item_links" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "from_recommendation_id" uuid NOT NULL,
      "to_recommendation_id" uuid NOT NULL,
      "kind" text NOT NULL,
      "created_on" date NOT NULL,
      "transition_id" text,
      CONSTRAINT "PK_item_links" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_item_links_kind" CHECK ("kind" IN ('superseded_by', 'duplicate_of')),
      CONSTRAINT "CHK_item_links_not_itself" CHECK ("from_recommendation_id" <> "to_recommendation_id"),
      CONSTRAINT "FK_item_links_from" FOREIGN KEY ("from_recommendation_id") REFERENCES "recommendations"("id"),
      CONSTRAINT "FK_item_links_to" FOREIGN KEY ("to_recommendation_id") REFERENCES "recommendations"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_item_links_pair" ON "item_links" ("from_recommendation_id", "to_recommendation_id", "kind")`);
    await q.query(`CREATE INDEX "IDX_item_links_to" ON "item_links" ("to_recommendation_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "item_links"`);
    await q.query(`DROP TABLE "hmicfrs_responses"`);
    await q.query(`DROP TABLE "hmicfrs_submissions"`);
    await q.query(`DROP TABLE "self_certification_letters"`);
    await q.query(`DROP TABLE "approval_steps"`);
    await q.query(`DROP TABLE "approval_requests"`);
    await q.query(`DROP TABLE "extension_requests"`);
    await q.query(`DROP TABLE "evidence_submissions"`);
    await q.query(`DROP TABLE "progress_updates"`);
    await q.query(`DROP TABLE "recommendation_parts"`);
    await q.query(`DROP TABLE "routing_rules"`);
    await q.query(`DROP TABLE "delegations"`);
    await q.query(`DROP TABLE "departments"`);
  }
}
