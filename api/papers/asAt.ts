import type { DataSource } from 'typeorm';
import type { StatedStatusLine } from '../../domain/paperLayout';
import type { AtRiskFlag, ClosureHow, DueDateEntry, LifecycleStatus, ProgressUpdate } from '../../domain/lifecycle/states';
import type { ClosureCategory, IsoDate, ItemKind, SourceKind, SourceScope } from '../../domain/vocabulary';
import { endOfAsAtDay } from './dates';
import type { ItemAsAt, PaperData, ReportAsAt } from './model';

/**
 * Reconstructs reports and items as they stood at the end of a day, from the append-only audit trail alone (never
 * from the current rows). Every lifecycle event stores in `after` the fields of the item's state it changed, and
 * 'recommendation_logged' stores the item's facts with status 'logged'; so the value of a field as at an instant is
 * the `after` of the latest event before that instant that carries the field. That folding is kept, per item, as
 * state intervals derived from the trail in the transaction that writes it (a table the trail can always rebuild);
 * a paper reads the interval of each item containing the instant (`itemsAsAtSql`), one row per item, and is then
 * computed in TypeScript. `itemsAsAtFromTrailSql` does the folding afresh, in one pass, as the oracle.
 *
 * Events are ordered by (occurred_at, id), so two events recorded in the same transition keep their order.
 * Only events of entity type 'recommendation' count: email and evidence-file events also carry a recommendation
 * id, and an email's `after` has a `status` of its own.
 */

/** Runs SQL with positional parameters ($1, $2…) and returns the rows. */
export type Sql = (text: string, parameters: unknown[]) => Promise<Record<string, unknown>[]>;

/** Somewhere to read from in one consistent snapshot. */
export interface PaperDatabase {
  snapshot<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
}

/**
 * Settings for every reading transaction, for the paper and the benchmark's reference query alike: a read-only
 * snapshot (the several reads of one paper see the same data); enough memory to sort the trail in one go; and no
 * nested-loop joins. The planner cannot estimate how many rows a condition on jsonb keeps, guesses one, and may then
 * join two sets of tens of thousands of items pair by pair: the benchmark's reference query (one DISTINCT ON per
 * field, joined) took over a minute that way at 100,000 items, and 0.6 s with hash and merge joins.
 */
export const SNAPSHOT_SETTINGS = [
  'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY',
  "SET LOCAL work_mem = '64MB'",
  'SET LOCAL enable_nestloop = off',
];

export function dataSourceDatabase(dataSource: DataSource): PaperDatabase {
  return {
    snapshot: async (work) => {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        for (const setting of SNAPSHOT_SETTINGS) await runner.query(setting);
        const result = await work((text, parameters) => runner.query(text, parameters) as Promise<Record<string, unknown>[]>);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      } finally {
        await runner.release();
      }
    },
  };
}

/** Fields of RecommendationState a paper can ask for besides status, category and text, which every paper reads. */
export const optionalFields = ['dueDateHistory', 'latestUpdate', 'atRisk', 'ownerId', 'leadId', 'notForTheForceReason'] as const;
export type OptionalField = (typeof optionalFields)[number];

const LONDON_DATE = (column: string) => `to_char(${column} AT TIME ZONE 'Europe/London', 'YYYY-MM-DD')`;

/** The column each optional field comes back in. */
const optionalColumns: Record<OptionalField, string> = {
  dueDateHistory: 'due_date_history',
  latestUpdate: 'latest_update',
  atRisk: 'at_risk',
  ownerId: 'owner_id',
  leadId: 'lead_id',
  notForTheForceReason: 'not_for_the_force_reason',
};

/** The condition choosing, of an item's state intervals, the one containing $1; the GiST index is on this range. */
export const intervalAt = (alias: string) => `tstzrange(${alias}.valid_from, ${alias}.valid_to, '(]') @> $1::timestamptz`;

const NEWEST_FIRST = 'e.occurred_at DESC, e.id DESC';

/**
 * The value of `expression` in the item's latest event that has one. `e.after->'key'` is SQL NULL exactly when the
 * event lacks the key (a field set to null is JSON null, and is kept), so dropping the SQL NULLs from the item's
 * values, newest first, and taking the first is "the latest value as at the date".
 */
const latest = (expression: string) => `(array_remove(array_agg(${expression} ORDER BY ${NEWEST_FIRST}), NULL))[1]`;

/**
 * The columns every reading of items returns, from a relation aliased `folded` that has one row per item with its
 * state as at $1 (once `where` has chosen it); and the condition keeping items logged before $1 (of the report kinds
 * asked for).
 */
function itemsAsAtSelect(
  from: string,
  where: string | null,
  fields: readonly OptionalField[],
  texts: TextOptions,
  reportKinds: readonly SourceKind[] | null,
): string {
  const textWanted = [
    texts.forTheForceOnly ? "folded.for_the_force IS NOT FALSE AND folded.status IS DISTINCT FROM 'not_for_the_force'" : null,
    texts.closedBefore ? "(folded.status IS DISTINCT FROM 'closed' OR folded.closed_on > $2)" : null,
  ].filter((condition): condition is string => condition !== null);
  const text = textWanted.length > 0 ? `CASE WHEN ${textWanted.join(' AND ')} THEN folded.text END` : 'folded.text';
  const columns = [
    'recommendation_id',
    'report_id',
    'reference',
    'kind',
    'addressed_to',
    'for_the_force',
    'department',
    'status',
    'closure_how',
    'closed_on',
    'closed_after_due_date',
    'closure_reason',
    'category',
  ]
    .concat(fields.map((field) => optionalColumns[field]))
    .map((column) => `folded.${column}`);
  return `SELECT ${columns.join(', ')}, ${text} AS text,
    ${LONDON_DATE('folded.logged_at')} AS logged_on
  FROM ${from}
  WHERE ${where ? `${where} AND ` : ''}folded.logged_at IS NOT NULL${
    reportKinds
      ? `
    AND folded.report_id IN (SELECT r.entity_id FROM audit_events r
      WHERE r.entity_type = 'source_report' AND r.type = 'report_logged' AND r.occurred_at < $1 AND r.after->>'kind' = ANY($${texts.closedBefore ? 3 : 2}::text[]))`
      : ''
  }`;
}

/**
 * One row per item logged before $1, with each field's value as at $1, from the items' state intervals
 * (entities/migrations/1763900700000-RecommendationStateIntervals.ts, kept by a trigger on the trail): the interval
 * (valid_from, valid_to] containing $1, found with the GiST index on that range.
 */
export function itemsAsAtSql(
  fields: readonly OptionalField[],
  texts: TextOptions = {},
  reportKinds: readonly SourceKind[] | null = null,
): string {
  return itemsAsAtSelect('recommendation_state_intervals folded', intervalAt('folded'), fields, texts, reportKinds);
}

/**
 * The same rows folded from the audit trail itself, in one pass: the intervals' source of truth, kept as the oracle
 * the tests hold the intervals to. Only the item's own events up to the end of the day that carry one of the wanted
 * keys, sorted once by item and newest first, and folded per item. Every ordered aggregate shares that one ORDER BY
 * (and none of them has a FILTER clause), so PostgreSQL sorts the rows once instead of once per item. The closure
 * travels with the status: every event that changes the closure also changes the status. Instants become London
 * dates after the folding, once per item.
 */
export function itemsAsAtFromTrailSql(
  fields: readonly OptionalField[],
  texts: TextOptions = {},
  reportKinds: readonly SourceKind[] | null = null,
): string {
  const keys = ['status', 'reportId', 'category', 'text', ...fields];
  // As jsonb, never as text: `->>` turns JSON null into SQL NULL, which would bring back a value later cleared
  // (a not-for-the-force reason cleared on reactivation).
  const optional = fields.map((field) => `,\n      ${latest(`e.${optionalColumns[field]}`)} AS ${optionalColumns[field]}`);
  const optionalProjected = fields.map((field) => `, e.after->'${field}' AS ${optionalColumns[field]}`).join('');
  const fact = (expression: string) => `CASE WHEN e.type = 'recommendation_logged' THEN ${expression} END`;
  // The innermost query keeps, of each event, only the values the folding reads, and sorts them (OFFSET 0 keeps
  // PostgreSQL from merging it into the next, so the projection happens before the sort): the sort and the parallel
  // workers then move a few narrow columns per event instead of each whole \`after\`, which at a million events was
  // most of the time. The folding's aggregates share that order, so nothing is sorted twice.
  return itemsAsAtSelect(
    `(SELECT f.*, f.closure->>'how' AS closure_how, f.closure->>'on' AS closed_on, (f.closure->'afterDueDate') = 'true'::jsonb AS closed_after_due_date,
    f.closure->>'reason' AS closure_reason
  FROM (
    SELECT e.recommendation_id,
      min(e.logged_at) AS logged_at,
      min(e.report_id) AS report_id,
      min(e.reference) AS reference,
      min(e.kind) AS kind,
      min(e.addressed_to) AS addressed_to,
      bool_and(e.for_the_force) AS for_the_force,
      min(e.department) AS department,
      ${latest('e.status')} AS status,
      ${latest('e.closure')} AS closure,
      ${latest('e.category')} AS category,
      ${latest('e.text')} AS text${optional.join('')}
    FROM (
      SELECT e.recommendation_id, e.occurred_at, e.id,
        ${fact('e.occurred_at')} AS logged_at,
        ${fact("e.after->>'reportId'")} AS report_id,
        ${fact("e.after->>'reference'")} AS reference,
        ${fact("e.after->>'kind'")} AS kind,
        ${fact("e.after->>'addressedTo'")} AS addressed_to,
        ${fact("(e.after->>'forTheForce')::boolean")} AS for_the_force,
        ${fact("e.after->>'department'")} AS department,
        e.after->>'status' AS status, e.after->'closure' AS closure, e.after->'category' AS category, e.after->>'text' AS text${optionalProjected}
      FROM audit_events e
      WHERE e.entity_type = 'recommendation' AND e.occurred_at < $1 AND e.after ?| ARRAY[${keys.map((key) => `'${key}'`).join(', ')}]
      ORDER BY e.recommendation_id, ${NEWEST_FIRST}
      OFFSET 0
    ) e
    GROUP BY e.recommendation_id
  ) f) folded`,
    null,
    fields,
    texts,
    reportKinds,
  );
}

/**
 * Which texts a paper prints, so the others are not sent: an item's text can be long, and at 100,000 items the
 * texts are most of what the database would send.
 */
export interface TextOptions {
  /** Only the texts of the force's own items (the overview lists no others). */
  forTheForceOnly?: boolean;
  /** Not the texts of items closed before the end of this day (reported complete to an earlier committee). */
  closedBefore?: IsoDate | null;
}

export const REPORTS_AS_AT_SQL = `SELECT e.entity_id AS id, e.after, ${LONDON_DATE('e.occurred_at')} AS logged_on
  FROM audit_events e
  WHERE e.entity_type = 'source_report' AND e.type = 'report_logged' AND e.occurred_at < $1
  ORDER BY e.occurred_at, e.id`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

function toItem(row: Record<string, unknown>): ItemAsAt {
  const history = (row.due_date_history as DueDateEntry[] | null | undefined) ?? [];
  const category = row.category === null || row.category === undefined ? null : (Number(row.category) as ClosureCategory);
  return {
    id: String(row.recommendation_id),
    reportId: String(row.report_id),
    reference: String(row.reference ?? ''),
    kind: String(row.kind) as ItemKind,
    text: String(row.text ?? ''),
    addressedTo: String(row.addressed_to ?? ''),
    forTheForce: row.for_the_force !== false,
    department: text(row.department),
    loggedOn: String(row.logged_on),
    status: String(row.status ?? 'logged') as LifecycleStatus,
    closure:
      row.closure_how === null || row.closure_how === undefined
        ? null
        : {
            how: String(row.closure_how) as ClosureHow,
            on: String(row.closed_on ?? ''),
            afterDueDate: row.closed_after_due_date === true,
            reason: String(row.closure_reason ?? ''),
          },
    category,
    dueDateHistory: history,
    dueDate: history.length > 0 ? history[history.length - 1]!.dueDate : null,
    latestUpdate: (row.latest_update as ProgressUpdate | null | undefined) ?? null,
    atRisk: (row.at_risk as AtRiskFlag | null | undefined) ?? null,
    ownerId: text(row.owner_id),
    leadId: text(row.lead_id),
    notForTheForceReason: text(row.not_for_the_force_reason),
  };
}

function toReport(row: Record<string, unknown>): ReportAsAt {
  const after = (row.after ?? {}) as Record<string, unknown>;
  return {
    id: String(row.id),
    title: String(after.title ?? ''),
    originator: String(after.originator ?? ''),
    kind: String(after.kind) as SourceKind,
    scope: String(after.scope ?? 'national') as SourceScope,
    publishedOn: String(after.publishedOn ?? ''),
    loggedOn: String(row.logged_on),
  };
}

/**
 * Each report's status line in the force's words as at $1: of the lines stated for it (when it was logged, or by a
 * tracker import), the latest stated before $1, else the first (an import backdates the history it brings, so a
 * paper as at an earlier date reads what that import stated); and whether any of its items changed status after.
 */
export const STATED_LINES_SQL = `WITH stated AS (
    SELECT e.entity_id::uuid AS report_id, e.after->>'statusLine' AS line, e.occurred_at AS stated_at
      FROM audit_events e
      WHERE e.entity_type = 'source_report' AND e.type = 'report_logged' AND e.after ? 'statusLine'
        -- An imported report is logged backdated, before the history the import brings: its line is the import's.
        AND NOT EXISTS (SELECT 1 FROM tracker_stated_figures f
          WHERE f.source_report_id::text = e.entity_id AND f.scope = 'report' AND f.status_line IS NOT NULL)
    UNION ALL
    SELECT f.source_report_id, f.status_line, i.imported_at
      FROM tracker_stated_figures f JOIN tracker_imports i ON i.id = f.import_id
      WHERE f.scope = 'report' AND f.source_report_id IS NOT NULL AND f.status_line IS NOT NULL
  ), chosen AS (
    SELECT DISTINCT ON (report_id) report_id, line, stated_at FROM stated
      ORDER BY report_id, stated_at < $1 DESC, CASE WHEN stated_at < $1 THEN stated_at END DESC, stated_at
  )
  SELECT c.report_id, c.line, EXISTS (
      SELECT 1 FROM recommendations r
        JOIN audit_events e ON e.recommendation_id = r.id AND e.entity_type = 'recommendation'
      WHERE r.report_id = c.report_id AND e.occurred_at > c.stated_at AND e.occurred_at < $1 AND e.after ? 'status'
    ) AS superseded
  FROM chosen c`;

export type ItemSource = 'intervals' | 'trail';

export interface LoadOptions {
  /** Fields beyond status, category and text (the overview needs no more). */
  fields?: readonly OptionalField[];
  /** Texts the paper will not print (they come back empty). */
  texts?: TextOptions;
  /** Only the items (and reports) of these kinds of source: the overview has no audits. */
  reportKinds?: readonly SourceKind[];
  /** Where item states come from: their intervals (the default), or the audit trail folded afresh (the oracle). */
  source?: ItemSource;
}

/** Everything a paper needs as at the end of `asAt`, read inside the caller's snapshot. */
export async function loadAsAt(sql: Sql, asAt: IsoDate, options: LoadOptions = {}): Promise<PaperData> {
  const before = endOfAsAtDay(asAt);
  const texts = options.texts ?? {};
  const kinds = options.reportKinds ?? null;
  const itemParameters: unknown[] = [before, ...(texts.closedBefore ? [texts.closedBefore] : []), ...(kinds ? [kinds] : [])];
  const reportRows = (await sql(REPORTS_AS_AT_SQL, [before])).filter(
    (row) => !kinds || kinds.includes((row.after as { kind?: SourceKind } | null)?.kind as SourceKind),
  );
  const itemsSql = options.source === 'trail' ? itemsAsAtFromTrailSql : itemsAsAtSql;
  const itemRows = await sql(itemsSql(options.fields ?? [], texts, kinds), itemParameters);
  const items = itemRows.map(toItem);
  const ids = new Set<string>();
  for (const item of items) {
    for (const id of [item.ownerId, item.leadId, item.latestUpdate?.by]) if (id && UUID.test(id)) ids.add(id);
  }
  const people: Record<string, string> = {};
  if (ids.size > 0) {
    const rows = await sql(PEOPLE_AS_AT_SQL, [[...ids], before]);
    for (const row of rows) people[String(row.id)] = String(row.name);
  }
  const stated = new Map<string, StatedStatusLine>();
  for (const row of await sql(STATED_LINES_SQL, [before]))
    stated.set(String(row.report_id), { text: String(row.line), supersededByChange: row.superseded === true });
  const reports = reportRows.map((row) => {
    const report = toReport(row);
    const line = stated.get(report.id);
    return line ? { ...report, statedStatus: line } : report;
  });
  return { asAt, reports, items, people };
}

/**
 * People's names as at $2, from their audit events (a person added or edited carries \`name\` in \`after\`, and a
 * change of name the old one in \`before\`): the name last set before $2; else, for someone whose first recorded
 * event came later, the name a later change replaced; else the name as it is now. So a paper as at an earlier date
 * prints who people were then (a renamed officer keeps their old name there); who owned or led an item then comes
 * from the item's own events.
 */
export const PEOPLE_AS_AT_SQL = `SELECT p.id, COALESCE(
    (SELECT e.after->>'name' FROM audit_events e
      WHERE e.entity_type = 'person' AND e.entity_id = p.id::text AND e.occurred_at < $2 AND e.after ? 'name'
      ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1),
    (SELECT e.before->>'name' FROM audit_events e
      WHERE e.entity_type = 'person' AND e.entity_id = p.id::text AND e.occurred_at >= $2 AND e.before ? 'name'
      ORDER BY e.occurred_at, e.id LIMIT 1),
    p.name) AS name
  FROM people p
  WHERE p.id = ANY($1::uuid[])`;
