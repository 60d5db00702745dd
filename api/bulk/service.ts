import type { DataSource } from 'typeorm';
import { bulkCommandFor, describeBulkChange, type BulkAction } from '../../domain/bulkActions';
import { commandRefusal, describeStatus, type RecommendationState } from '../../domain/lifecycle';
import { closeEmailBatch } from '../../entities/emailBatches';
import type { ActingPerson } from '../../platform/http/actor';
import { ApiProblem } from '../../platform/http/problem';
import type { RecommendationService } from '../recommendations/service';
import { itemName, withNames } from '../recommendations/scrutiny';

/** One item of a bulk action as the confirmation page lists it: what will change, or why nothing can. */
export interface BulkPlanEntry {
  id: string;
  name: string;
  report: string;
  status: string;
  /** The version the plan was made against: the run refuses the item if it has moved on since. */
  version: number;
  change: string | null;
  refused: string | null;
}

/** What happened to one item. */
export interface BulkOutcome {
  id: string;
  name: string;
  report: string;
  outcome: 'done' | 'refused';
  /** What changed (done), or why not (refused). */
  detail: string;
}

/** Each item's command carries this key: a second submission or a retry of the same bulk request finds the first. */
export const bulkCommandKey = (bulkId: string, itemId: string): string => `bulk:${bulkId}:${itemId}`;

/** Items changed at once; a few, as each is a command to its own workflow. */
const IN_FLIGHT = 4;

interface ItemRow {
  id: string;
  reference: string;
  kind: string;
  version: number;
  state: RecommendationState;
  report: string;
  recorded: boolean;
}

/**
 * Bulk triage and assignment. Nothing here changes an item itself: each item gets its own lifecycle command through
 * the same service a single change uses (its workflow decides it and the audit trail records it), keyed by the bulk
 * request and the item, so an item is changed at most once per bulk request. One item refused leaves the others.
 * Emails go as one batch: each person gets one email listing their items.
 */
export class BulkActionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recommendations: RecommendationService,
  ) {}

  /** What the action would do to each item now, for the confirmation page (nothing is sent). */
  async plan(action: BulkAction, itemIds: string[], by: ActingPerson): Promise<BulkPlanEntry[]> {
    const [rows, nameOf] = await Promise.all([this.items(itemIds), this.names()]);
    return rows.map((row) => {
      const planned = bulkCommandFor(row.state, action);
      // A preview of the lifecycle's answer on the state as it stands; the workflow decides when it is sent.
      const guard = commandRefusal(row.state, by.actor, 'refused' in planned ? planned.type : planned.command.type);
      const refused = guard ?? ('refused' in planned ? planned.refused : null);
      return {
        id: row.id,
        name: itemName(row),
        report: row.report,
        status: describeStatus(row.state),
        version: row.version,
        change: 'command' in planned ? describeBulkChange(row.state, planned.command, nameOf) : null,
        refused,
      };
    });
  }

  /**
   * Sends each item its command, a few at a time, with the version the person confirmed (a change made since is
   * refused, not overwritten). An item this bulk request already changed answers as done without acting again.
   */
  async run(
    request: { bulkId: string; action: BulkAction; items: { id: string; version?: number }[] },
    by: ActingPerson,
  ): Promise<BulkOutcome[]> {
    const { bulkId, action } = request;
    const rows = new Map(
      (
        await this.items(
          request.items.map((i) => i.id),
          bulkId,
        )
      ).map((row) => [row.id, row]),
    );
    const nameOf = await this.names();
    const emailBatch = `bulk:${bulkId}`;
    const outcomes: BulkOutcome[] = [];
    const runOne = async ({ id, version }: { id: string; version?: number }): Promise<BulkOutcome> => {
      const row = rows.get(id);
      if (!row) return { id, name: 'An item', report: '', outcome: 'refused', detail: 'no recommendation has this id' };
      const about = { id, name: itemName(row), report: row.report };
      if (row.recorded) return { ...about, outcome: 'done', detail: 'Done already by this bulk action; not done again' };
      const planned = bulkCommandFor(row.state, action);
      // Nothing to send: the lifecycle's reason if it would refuse the command anyway, else what the command lacks.
      if ('refused' in planned)
        return { ...about, outcome: 'refused', detail: commandRefusal(row.state, by.actor, planned.type) ?? planned.refused };
      const change = describeBulkChange(row.state, planned.command, nameOf);
      try {
        await this.recommendations.command(id, planned.command, by, {
          idempotencyKey: bulkCommandKey(bulkId, id),
          ifMatch: version === undefined ? undefined : String(version),
          emailBatch,
        });
        return { ...about, outcome: 'done', detail: change };
      } catch (error) {
        return { ...about, outcome: 'refused', detail: await this.refusalOf(error) };
      }
    };
    try {
      let next = 0;
      const worker = async () => {
        while (next < request.items.length) {
          const index = next++;
          outcomes[index] = await runOne(request.items[index]!);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    } finally {
      await closeEmailBatch(this.dataSource.manager, emailBatch);
    }
    return outcomes;
  }

  /** Why the item's command did not go through; an error that is not an answer about the item (a bug) is thrown. */
  private async refusalOf(error: unknown): Promise<string> {
    if (!(error instanceof ApiProblem)) throw error;
    if (error.status === 503) return 'we could not confirm it was saved: send the bulk action again, and it will not be done twice';
    if (error.status === 412) return 'someone changed it after you confirmed: check it and try again';
    if (error.status === 400 && error.errors.length)
      return error.errors.map((e) => `${e.field.replace(/^body\./, '')}: ${e.message}`).join('; ');
    return withNames(this.dataSource, error.detail ?? error.title);
  }

  /** The items in the order asked, with whether this bulk request has changed each already (its receipt). */
  private async items(ids: string[], bulkId?: string): Promise<ItemRow[]> {
    const keys = bulkId ? ids.map((id) => bulkCommandKey(bulkId, id)) : [];
    const rows = (await this.dataSource.query(
      `SELECT r.id, r.reference, r.kind, r.version, r.state, s.originator || ': ' || s.title AS report,
              EXISTS (SELECT 1 FROM command_receipts c WHERE c.key = ANY($2::text[]) AND c.recommendation_id = r.id) AS recorded
         FROM recommendations r JOIN source_reports s ON s.id = r.report_id WHERE r.id = ANY($1::uuid[])`,
      [ids, keys],
    )) as ItemRow[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  /** Everyone's name by id, for the change in words (current owners and leads may no longer be active). */
  private async names(): Promise<(id: string | null) => string> {
    const rows = (await this.dataSource.query(`SELECT id, name FROM people`)) as { id: string; name: string }[];
    const names = new Map(rows.map((p) => [p.id, p.name]));
    return (id) => (id ? (names.get(id) ?? 'someone no longer active') : 'nobody');
  }
}
