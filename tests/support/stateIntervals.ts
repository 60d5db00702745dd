import type { DataSource } from 'typeorm';
import type { IsoDate } from '../../domain/vocabulary';
import { dataSourceDatabase, loadAsAt, optionalFields, type LoadOptions, type Sql } from '../../api/papers/asAt';
import { addDays } from '../../api/papers/dates';
import type { ItemAsAt } from '../../api/papers/model';
import { overviewSourceKinds } from '../../api/papers/overview';

const MAX_DATES = 150;

/**
 * Holds the items' state intervals (what papers read) to the audit trail (the source of truth): the stored intervals
 * are exactly those the trail derives now, and at every date on which an item's event happened, the day before it
 * and `extraDates`, reading items through the intervals gives what folding the trail afresh gives, with every field
 * and with the overview's trimming of texts and kinds (at most `MAX_DATES` of those days, evenly spread, besides
 * `extraDates`). Returns how many dates were compared.
 */
export async function expectIntervalsToMatchTrail(dataSource: DataSource, extraDates: IsoDate[] = []): Promise<number> {
  const [drift] = (await dataSource.query(`SELECT
      (SELECT count(*) FROM (TABLE recommendation_state_intervals EXCEPT ALL TABLE recommendation_state_intervals_derived) stale)::int AS stale,
      (SELECT count(*) FROM (TABLE recommendation_state_intervals_derived EXCEPT ALL TABLE recommendation_state_intervals) missing)::int AS missing`)) as {
    stale: number;
    missing: number;
  }[];
  expect(drift).toEqual({ stale: 0, missing: 0 });

  const days = (await dataSource.query(`SELECT DISTINCT to_char(occurred_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS day
    FROM audit_events WHERE entity_type = 'recommendation' ORDER BY 1`)) as { day: IsoDate }[];
  const eventDays = [...new Set(days.flatMap(({ day }) => [addDays(day, -1), day]))];
  const step = Math.max(1, eventDays.length / MAX_DATES);
  const spread = eventDays.filter((_day, index) => Math.floor(index / step) !== Math.floor((index - 1) / step));
  const dates = [...new Set([...spread, ...extraDates])].sort();
  const byId = (a: ItemAsAt, b: ItemAsAt) => a.id.localeCompare(b.id);
  const readings: LoadOptions[] = [{ fields: optionalFields }, { texts: { forTheForceOnly: true }, reportKinds: overviewSourceKinds }];
  await dataSourceDatabase(dataSource).snapshot(async (sql: Sql) => {
    for (const asAt of dates) {
      for (const reading of [
        ...readings,
        { texts: { forTheForceOnly: true, closedBefore: addDays(asAt, -30) }, reportKinds: overviewSourceKinds },
      ]) {
        const fromIntervals = await loadAsAt(sql, asAt, reading);
        const fromTrail = await loadAsAt(sql, asAt, { ...reading, source: 'trail' });
        expect({ asAt, reading, items: [...fromIntervals.items].sort(byId) }).toEqual({
          asAt,
          reading,
          items: [...fromTrail.items].sort(byId),
        });
        expect(fromIntervals.reports).toEqual(fromTrail.reports);
      }
    }
  });
  return dates.length;
}
