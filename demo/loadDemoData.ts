import type { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../platform/http/actor';
import type { AuthService } from '../api/auth/service';
import type { RecommendationService } from '../api/recommendations/service';
import type { ReportService } from '../api/reports/service';
import { calendarDateInLondon } from '../domain/calendar';
import { LocalAccount, Person, Recommendation, SourceReport } from '../entities';
import { recordAudit } from '../entities/auditTrail';
import { closeEmailBatch } from '../entities/emailBatches';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../platform/logger';
import { demoPeople, demoReports } from './demoData';

const DEMO_ACTOR = { ...SYSTEM_ACTOR, label: 'Demo data loader' };

/** Every demo person signs in with this password (the demo force is fictional; never load it in production). */
export const DEMO_PASSWORD = 'demo-constabulary-2026';

/** The demo people's accounts, as the sign-in page and `npm start` list them. */
export function demoAccounts(): { name: string; email: string; roles: string[] }[] {
  return demoPeople.map((p) => ({ name: p.name, email: p.email.toLowerCase(), roles: [...p.roles] }));
}

/** The demo's due dates are written as seen on this day; they move with the calendar so they stay in the future. */
const DEMO_WRITTEN_ON = '2026-11-23';

export function shiftDemoDate(date: string, today: string): string {
  const offset = Date.parse(`${today}T00:00:00Z`) - Date.parse(`${DEMO_WRITTEN_ON}T00:00:00Z`);
  if (offset <= 0) return date;
  const shifted = new Date(Date.parse(`${date}T00:00:00Z`) + offset);
  // Keep due dates on weekdays, as real ones are.
  const day = shifted.getUTCDay();
  if (day === 6) shifted.setUTCDate(shifted.getUTCDate() + 2);
  if (day === 0) shifted.setUTCDate(shifted.getUTCDate() + 1);
  return shifted.toISOString().slice(0, 10);
}

/**
 * Loads the demo force on first start. Each step skips what is already there, so a start interrupted
 * half-way finishes the job next time and a second start changes nothing.
 */
export async function loadDemoData(deps: {
  dataSource: DataSource;
  reports: ReportService;
  recommendations: RecommendationService;
  auth: AuthService;
  logger: Logger;
}): Promise<void> {
  const { dataSource, reports, recommendations, auth, logger } = deps;
  await addDemoDepartments(dataSource);
  const peopleByKey = new Map<string, Person>();
  for (const person of demoPeople) {
    const email = person.email.toLowerCase();
    let row = await dataSource.manager.findOneBy(Person, { email });
    if (!row) {
      row = await dataSource.transaction(async (tx) => {
        const saved = await tx.save(
          tx.create(Person, { name: person.name, email, roles: person.roles, jobTitle: person.jobTitle, department: person.department }),
        );
        await recordAudit(tx, {
          actorId: null,
          actorLabel: DEMO_ACTOR.label,
          entityType: 'person',
          entityId: saved.id,
          type: 'person_added',
          summary: `Added ${person.name} (${person.roles.join(', ')})`,
          after: { name: person.name, email, roles: person.roles },
        });
        return saved;
      });
    }
    peopleByKey.set(person.key, row);
    if (!(await dataSource.manager.existsBy(LocalAccount, { personId: row.id }))) {
      await auth.setPassword(row.id, DEMO_PASSWORD, { id: null, label: DEMO_ACTOR.label });
    }
  }

  const today = calendarDateInLondon(Date.now());
  let assigned = 0;
  // The assignments go as one batch, so each owner and lead gets one email listing their items.
  const emailBatch = `demo-start:${randomUUID()}`;
  try {
    for (const demo of demoReports) {
      let report = await dataSource.manager.findOneBy(SourceReport, { title: demo.title, originator: demo.originator });
      if (!report) {
        const created = await reports.create(
          {
            title: demo.title,
            originator: demo.originator,
            kind: demo.kind,
            scope: demo.scope,
            publishedOn: demo.publishedOn,
            recommendations: demo.items.map(({ reference, kind, text, addressedTo, forTheForce, category, department }) => ({
              reference,
              kind,
              text,
              addressedTo,
              forTheForce,
              category: forTheForce ? category : null,
              department,
              parts: [],
            })),
          },
          DEMO_ACTOR,
        );
        report = await dataSource.manager.findOneByOrFail(SourceReport, { id: created.id });
      }
      for (const item of demo.items) {
        const row = await dataSource.manager.findOneByOrFail(Recommendation, { reportId: report.id, reference: item.reference });
        if (row.status !== 'logged') continue;
        if (!item.forTheForce) {
          await recommendations.command(
            row.id,
            { type: 'markNotForTheForce', reason: `Addressed to ${item.addressedTo}; tracked for awareness only` },
            DEMO_ACTOR,
          );
        } else if (item.ownerKey && item.leadKey && item.dueDate) {
          const owner = peopleByKey.get(item.ownerKey)!;
          const lead = peopleByKey.get(item.leadKey)!;
          await recommendations.assign(
            row.id,
            { ownerId: owner.id, leadId: lead.id, dueDate: shiftDemoDate(item.dueDate, today) },
            DEMO_ACTOR,
            { emailBatch },
          );
          assigned++;
        }
      }
    }
  } finally {
    await closeEmailBatch(dataSource.manager, emailBatch);
  }
  if (assigned) logger.info({ assigned }, 'demo data loaded: owners have been emailed their tasks, one email each');
}
/** Every department the demo people and items name is a real department, so forms and routing rules can offer it. */
async function addDemoDepartments(dataSource: DataSource): Promise<void> {
  const names = [
    ...new Set(
      [...demoPeople.map((p) => p.department), ...demoReports.flatMap((r) => r.items.map((i) => i.department))].filter(
        (d): d is string => !!d,
      ),
    ),
  ];
  await dataSource.query(`INSERT INTO departments (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING`, [names]);
}
