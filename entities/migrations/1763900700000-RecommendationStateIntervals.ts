import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each item's states over time, derived from the audit trail, so a paper "as at" a date reads one row per item (the
 * interval containing the date) instead of folding the whole trail. The trail stays the source of truth: the view
 * `recommendation_state_intervals_derived` computes the intervals from it, the table holds what the view gave, and a
 * statement-level trigger on audit_events re-derives, in the inserting transaction, exactly the items the statement
 * gave events to, from the earliest of them on (so events may arrive in any order: a backdated one re-derives the
 * item's history from its date).
 *
 * The state in an interval is the folding api/papers/asAt.ts `itemsAsAtFromTrailSql` does as at any instant inside it: of the
 * item's events (entity type 'recommendation', ordered by occurred_at then id) that carry one of the fields below,
 * each field's value is the `after` of the latest that carries it; JSON null is kept, except for `status` and
 * `text`, which that folding reads as text (a text set back to null means "the text as logged", so the earlier text
 * stands). Facts come from 'recommendation_logged'. An interval (valid_from, valid_to] holds after every event at
 * valid_from and before the next instant with one; valid_to null is the state now. Intervals before the item's
 * 'recommendation_logged' event have no logged_at, as the folding has no item then.
 */

/** The fields whose events the folding reads (closure travels with status). */
const FOLDED_KEYS = [
  'status',
  'reportId',
  'category',
  'text',
  'dueDateHistory',
  'latestUpdate',
  'atRisk',
  'ownerId',
  'leadId',
  'notForTheForceReason',
];
const keysArray = `ARRAY[${FOLDED_KEYS.map((key) => `'${key}'`).join(', ')}]`;
/** Fields of `after` the intervals never read, dropped before folding so the running state stays small. */
const UNREAD_KEYS = [
  'recommendationId',
  'dueDate',
  'textVersion',
  'parts',
  'pendingExtension',
  'updateCount',
  'evidence',
  'approval',
  'lastRejection',
  'selfCertification',
  'hmicfrs',
  'reopenCount',
  'reportId',
  'reference',
  'kind',
  'addressedTo',
  'forTheForce',
  'department',
];

const nonNullJson = (expression: string) => `NULLIF(${expression}, 'null'::jsonb)`;

export class RecommendationStateIntervals1763900700000 implements MigrationInterface {
  name = 'RecommendationStateIntervals1763900700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "recommendation_state_intervals" (
      "recommendation_id" uuid NOT NULL,
      "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL,
      "valid_to" TIMESTAMP WITH TIME ZONE,
      "logged_at" TIMESTAMP WITH TIME ZONE,
      "report_id" text,
      "reference" text,
      "kind" text,
      "addressed_to" text,
      "for_the_force" boolean,
      "department" text,
      "status" text,
      "closure_how" text,
      "closed_on" text,
      "closed_after_due_date" boolean,
      "closure_reason" text,
      "category" smallint,
      "text" text,
      "due_date_history" jsonb,
      "latest_update" jsonb,
      "at_risk" jsonb,
      "owner_id" text,
      "lead_id" text,
      "not_for_the_force_reason" text,
      CONSTRAINT "PK_recommendation_state_intervals" PRIMARY KEY ("recommendation_id", "valid_from"))`);
    // "The interval containing T" anywhere in history: a GiST index on the interval as a range, (valid_from, valid_to].
    await q.query(`CREATE INDEX "IDX_recommendation_state_intervals_during" ON "recommendation_state_intervals"
      USING gist (tstzrange("valid_from", "valid_to", '(]'))`);

    // An item's own lifecycle events in the folding's order: the re-derivation reads them by item, already sorted.
    await q.query(`CREATE INDEX "IDX_audit_events_recommendation_trail" ON "audit_events" ("recommendation_id", "occurred_at", "id")
      WHERE "entity_type" = 'recommendation'`);

    // The change an event makes to the folded state: the fields read, with a JSON-null status or text dropped.
    await q.query(`CREATE FUNCTION recommendation_state_change(after jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT after - (ARRAY[${UNREAD_KEYS.map((key) => `'${key}'`).join(', ')}]
        || CASE WHEN after @> '{"status": null}' THEN ARRAY['status'] ELSE '{}'::text[] END
        || CASE WHEN after @> '{"text": null}' THEN ARRAY['text'] ELSE '{}'::text[] END) $$`);
    // Later keys win, JSON null included: jsonb || jsonb, folded in the events' order.
    await q.query(
      `CREATE AGGREGATE recommendation_state_fold(jsonb) (SFUNC = jsonb_concat, STYPE = jsonb, INITCOND = '{}', PARALLEL = SAFE)`,
    );

    await q.query(`CREATE VIEW "recommendation_state_intervals_derived" AS
      SELECT s.recommendation_id, s.occurred_at AS valid_from, s.next_at AS valid_to, s.logged_at,
        s.report_id, s.reference, s.kind, s.addressed_to, s.for_the_force, s.department,
        s.state->>'status' AS status,
        s.state->'closure'->>'how' AS closure_how,
        s.state->'closure'->>'on' AS closed_on,
        (s.state->'closure'->'afterDueDate') = 'true'::jsonb AS closed_after_due_date,
        s.state->'closure'->>'reason' AS closure_reason,
        (s.state->>'category')::smallint AS category,
        s.state->>'text' AS text,
        ${nonNullJson("s.state->'dueDateHistory'")} AS due_date_history,
        ${nonNullJson("s.state->'latestUpdate'")} AS latest_update,
        ${nonNullJson("s.state->'atRisk'")} AS at_risk,
        s.state->>'ownerId' AS owner_id,
        s.state->>'leadId' AS lead_id,
        s.state->>'notForTheForceReason' AS not_for_the_force_reason
      FROM (
        SELECT e.recommendation_id, e.occurred_at,
          lead(e.occurred_at) OVER w AS next_at,
          recommendation_state_fold(recommendation_state_change(e.after)) OVER w AS state,
          min(CASE WHEN e.type = 'recommendation_logged' THEN e.occurred_at END) OVER w AS logged_at,
          min(CASE WHEN e.type = 'recommendation_logged' THEN e.after->>'reportId' END) OVER w AS report_id,
          min(CASE WHEN e.type = 'recommendation_logged' THEN e.after->>'reference' END) OVER w AS reference,
          min(CASE WHEN e.type = 'recommendation_logged' THEN e.after->>'kind' END) OVER w AS kind,
          min(CASE WHEN e.type = 'recommendation_logged' THEN e.after->>'addressedTo' END) OVER w AS addressed_to,
          bool_and(CASE WHEN e.type = 'recommendation_logged' THEN (e.after->>'forTheForce')::boolean END) OVER w AS for_the_force,
          min(CASE WHEN e.type = 'recommendation_logged' THEN e.after->>'department' END) OVER w AS department
        FROM audit_events e
        WHERE e.entity_type = 'recommendation' AND e.recommendation_id IS NOT NULL AND e.after ?| ${keysArray}
        WINDOW w AS (PARTITION BY e.recommendation_id ORDER BY e.occurred_at, e.id ROWS UNBOUNDED PRECEDING)
      ) s
      -- One interval per instant: the state after the instant's last event.
      WHERE s.next_at IS DISTINCT FROM s.occurred_at`);

    // Re-derives the intervals of items from the instant each was given events (`since`) on: of an item's intervals,
    // those ending before that instant cannot change, so an event appended to an item rewrites only its current
    // interval and adds the next, and a backdated one rewrites the item's history from its date. Items whose events
    // commit concurrently are re-derived one transaction after the other (the lock is taken before the trail is
    // read, so the second sees the first's events); ids in order, so two never deadlock here.
    //
    // One item at a time, by equality on its id, with one generic plan: planning the view afresh for each command's
    // one item took longer (0.7 ms) than running it. That plan is made once per connection, maybe while the trail is
    // still small (a new force, or an import's first rows), where reading all of it looks as cheap as reading by item;
    // a plan over a list of ids did just that, and then read the whole trail on every insert for as long as the
    // connection lived (a 10,000-row import took nine times as long). With the item's id as the only parameter, and
    // scans that do not use an index condition ruled out, the plan can only read by the item's indexes.
    await q.query(`CREATE FUNCTION recommendation_state_intervals_rederive(ids uuid[], sinces timestamptz[]) RETURNS void LANGUAGE plpgsql
      SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
      DECLARE item uuid; since timestamptz;
      BEGIN
        PERFORM pg_advisory_xact_lock(1763900700, hashtext(id::text)) FROM unnest(ids) AS id ORDER BY id;
        FOR item, since IN SELECT * FROM unnest(ids, sinces) LOOP
          DELETE FROM recommendation_state_intervals i WHERE i.recommendation_id = item AND (i.valid_to IS NULL OR i.valid_to >= since);
          INSERT INTO recommendation_state_intervals
            SELECT d.* FROM recommendation_state_intervals_derived d WHERE d.recommendation_id = item AND (d.valid_to IS NULL OR d.valid_to >= since);
        END LOOP;
      END $$`);
    await q.query(`CREATE FUNCTION recommendation_state_intervals_follow_trail() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE ids uuid[]; sinces timestamptz[];
      BEGIN
        SELECT array_agg(c.id ORDER BY c.id), array_agg(c.since ORDER BY c.id) INTO ids, sinces
          FROM (SELECT n.recommendation_id AS id, min(n.occurred_at) AS since FROM new_events n
            WHERE n.entity_type = 'recommendation' AND n.recommendation_id IS NOT NULL AND n.after ?| ${keysArray}
            GROUP BY n.recommendation_id) c;
        IF ids IS NOT NULL THEN PERFORM recommendation_state_intervals_rederive(ids, sinces); END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER "recommendation_state_intervals_follow_trail" AFTER INSERT ON "audit_events"
      REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION recommendation_state_intervals_follow_trail()`);

    await q.query(`INSERT INTO recommendation_state_intervals SELECT * FROM recommendation_state_intervals_derived`);
    await q.query(`ANALYZE recommendation_state_intervals`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "recommendation_state_intervals_follow_trail" ON "audit_events"`);
    await q.query(`DROP FUNCTION recommendation_state_intervals_follow_trail()`);
    await q.query(`DROP FUNCTION recommendation_state_intervals_rederive(uuid[], timestamptz[])`);
    await q.query(`DROP VIEW "recommendation_state_intervals_derived"`);
    await q.query(`DROP AGGREGATE recommendation_state_fold(jsonb)`);
    await q.query(`DROP FUNCTION recommendation_state_change(jsonb)`);
    await q.query(`DROP TABLE "recommendation_state_intervals"`);
    await q.query(`DROP INDEX "IDX_audit_events_recommendation_trail"`);
  }
}
