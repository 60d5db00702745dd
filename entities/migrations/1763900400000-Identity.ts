import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sign-in (local accounts, sessions, the identity provider's subjects), API tokens, email action links. */
export class Identity1763900400000 implements MigrationInterface {
  name = 'Identity1763900400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "local_accounts" (
      "person_id" uuid NOT NULL,
      "password_hash" text NOT NULL,
      "failed_attempts" integer NOT NULL DEFAULT 0,
      "locked_until" TIMESTAMP WITH TIME ZONE,
      "password_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_local_accounts" PRIMARY KEY ("person_id"),
      CONSTRAINT "FK_local_accounts_person" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE)`);

    await q.query(`CREATE TABLE "sessions" (
      "id" text NOT NULL,
      "person_id" uuid NOT NULL,
      "csrf_token" text NOT NULL,
      "method" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "revoked_at" TIMESTAMP WITH TIME ZONE,
      "ip_address" text,
      "user_agent" text,
      CONSTRAINT "PK_sessions" PRIMARY KEY ("id"),
      CONSTRAINT "FK_sessions_person" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX "IDX_sessions_person" ON "sessions" ("person_id", "expires_at")`);

    await q.query(`CREATE TABLE "external_identities" (
      "issuer" text NOT NULL,
      "subject" text NOT NULL,
      "person_id" uuid NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "last_sign_in_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_external_identities" PRIMARY KEY ("issuer", "subject"),
      CONSTRAINT "FK_external_identities_person" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX "IDX_external_identities_person" ON "external_identities" ("person_id")`);

    await q.query(`CREATE TABLE "sign_in_attempts" (
      "id" BIGSERIAL NOT NULL,
      "email" text NOT NULL,
      "ip_address" text NOT NULL,
      "succeeded" boolean NOT NULL,
      "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_sign_in_attempts" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_sign_in_attempts_email" ON "sign_in_attempts" ("email", "attempted_at")`);
    await q.query(`CREATE INDEX "IDX_sign_in_attempts_ip" ON "sign_in_attempts" ("ip_address", "attempted_at")`);

    await q.query(`CREATE TABLE "api_tokens" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "person_id" uuid NOT NULL,
      "name" text NOT NULL,
      "token_hash" text NOT NULL,
      "prefix" text NOT NULL,
      "created_by" uuid,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "last_used_at" TIMESTAMP WITH TIME ZONE,
      "expires_at" TIMESTAMP WITH TIME ZONE,
      "revoked_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_api_tokens" PRIMARY KEY ("id"),
      CONSTRAINT "FK_api_tokens_person" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE)`);
    await q.query(`CREATE UNIQUE INDEX "IDX_api_tokens_token_hash" ON "api_tokens" ("token_hash")`);
    await q.query(`CREATE INDEX "IDX_api_tokens_person" ON "api_tokens" ("person_id")`);

    await q.query(`CREATE TABLE "action_links" (
      "id" uuid NOT NULL,
      "person_id" uuid NOT NULL,
      "recommendation_id" uuid NOT NULL,
      "action" text NOT NULL,
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "used_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_action_links" PRIMARY KEY ("id"),
      CONSTRAINT "FK_action_links_person" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE,
      CONSTRAINT "FK_action_links_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendations"("id") ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX "IDX_action_links_recommendation" ON "action_links" ("recommendation_id", "person_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "action_links"`);
    await q.query(`DROP TABLE "api_tokens"`);
    await q.query(`DROP TABLE "sign_in_attempts"`);
    await q.query(`DROP TABLE "external_identities"`);
    await q.query(`DROP TABLE "sessions"`);
    await q.query(`DROP TABLE "local_accounts"`);
  }
}
