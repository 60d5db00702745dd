import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A hash chain over the audit trail, so a change made behind the product's back (a superuser disabling the
 * append-only trigger, TRUNCATE, replica mode) is detectable: each event carries its place in the chain, the hash of
 * the event before it in the whole trail and in its item's trail, and its own hash over all of that and its content.
 * The chain head is checkpointed, signed with a key the database does not hold (api/audit/checkpoints.ts).
 */
export class AuditChain1763901100000 implements MigrationInterface {
  name = 'AuditChain1763901100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "audit_events" ADD "chain_seq" bigint, ADD "prev_hash" bytea, ADD "item_prev_hash" bytea, ADD "hash" bytea`);

    // One definition of what an event's hash covers, used by the trigger and by every verification.
    await q.query(`CREATE FUNCTION audit_event_digest(e audit_events) RETURNS bytea LANGUAGE sql STABLE AS $$
      SELECT sha256(convert_to(jsonb_build_array(
        e.chain_seq, encode(e.prev_hash, 'hex'), encode(e.item_prev_hash, 'hex'), e.id,
        to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor_id, e.actor_label, e.entity_type, e.entity_id, e.recommendation_id, e.type, e.summary,
        e.before, e.after, e.idempotency_key)::text, 'UTF8'))
    $$`);

    // The advisory lock orders appends; each query after it sees every earlier append (READ COMMITTED, fresh snapshot).
    await q.query(`CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE last_seq bigint; last_hash bytea;
      BEGIN
        PERFORM pg_advisory_xact_lock(4242424242);
        SELECT chain_seq, hash INTO last_seq, last_hash FROM audit_events ORDER BY chain_seq DESC LIMIT 1;
        NEW.chain_seq := coalesce(last_seq, 0) + 1;
        NEW.prev_hash := last_hash;
        NEW.item_prev_hash := NULL;
        IF NEW.recommendation_id IS NOT NULL THEN
          SELECT hash INTO NEW.item_prev_hash FROM audit_events WHERE recommendation_id = NEW.recommendation_id ORDER BY chain_seq DESC LIMIT 1;
        END IF;
        NEW.hash := audit_event_digest(NEW);
        RETURN NEW;
      END $$`);

    // The events already on the trail join the chain in the order they were written.
    await q.query(`ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_append_only"`);
    await q.query(`DO $$
      DECLARE e audit_events; last_hash bytea; item_hash bytea; n bigint := 0;
      BEGIN
        CREATE TEMP TABLE item_heads (recommendation_id uuid PRIMARY KEY, hash bytea) ON COMMIT DROP;
        FOR e IN SELECT * FROM audit_events ORDER BY id LOOP
          n := n + 1;
          e.chain_seq := n;
          e.prev_hash := last_hash;
          e.item_prev_hash := NULL;
          IF e.recommendation_id IS NOT NULL THEN
            SELECT hash INTO e.item_prev_hash FROM item_heads WHERE recommendation_id = e.recommendation_id;
          END IF;
          e.hash := audit_event_digest(e);
          UPDATE audit_events SET chain_seq = e.chain_seq, prev_hash = e.prev_hash, item_prev_hash = e.item_prev_hash, hash = e.hash WHERE id = e.id;
          IF e.recommendation_id IS NOT NULL THEN
            INSERT INTO item_heads VALUES (e.recommendation_id, e.hash) ON CONFLICT (recommendation_id) DO UPDATE SET hash = EXCLUDED.hash;
          END IF;
          last_hash := e.hash;
        END LOOP;
      END $$`);
    await q.query(`ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_append_only"`);

    await q.query(`ALTER TABLE "audit_events" ALTER "chain_seq" SET NOT NULL, ALTER "hash" SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "UQ_audit_events_chain_seq" ON "audit_events" ("chain_seq")`);
    await q.query(`CREATE INDEX "IDX_audit_events_item_chain" ON "audit_events" ("recommendation_id", "chain_seq")`);
    await q.query(`CREATE TRIGGER "audit_events_chain" BEFORE INSERT ON "audit_events" FOR EACH ROW EXECUTE FUNCTION audit_events_chain()`);

    await q.query(`CREATE TABLE "audit_checkpoints" (
      "id" bigserial NOT NULL,
      "chain_seq" bigint NOT NULL,
      "hash" bytea NOT NULL,
      "signature" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_audit_checkpoints" PRIMARY KEY ("id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_checkpoints"`);
    await q.query(`DROP TRIGGER "audit_events_chain" ON "audit_events"`);
    await q.query(`DROP FUNCTION audit_events_chain()`);
    await q.query(`DROP INDEX "IDX_audit_events_item_chain"`);
    await q.query(`DROP INDEX "UQ_audit_events_chain_seq"`);
    await q.query(
      `ALTER TABLE "audit_events" DROP COLUMN "hash", DROP COLUMN "item_prev_hash", DROP COLUMN "prev_hash", DROP COLUMN "chain_seq"`,
    );
    await q.query(`DROP FUNCTION audit_event_digest(audit_events)`);
  }
}
