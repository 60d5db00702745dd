import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { addCalendarDays, calendarDateInLondon, isoWeekday } from '../domain/calendar';
import { applyOffset, sendInstant } from '../domain/reminders/offsets';
import type { ReminderSettings } from '../domain/reminders/policy';
import { createWorkingCalendar } from '../domain/workingDays';
import { DigestEntry, OutboundEmail, Person } from '../entities';
import { recordAudit } from '../entities/auditTrail';
import { renderDigestEmail } from './emails/nudgeEmail';
import type { EmailLinks } from './recordTransition';
import { loadReminderSettings } from '../entities/reminderSettings';

/**
 * Gathers each person's waiting routine reminders into one email: daily, or on the first working day of the
 * week for those who chose weekly. One outbox row per person per digest slot, so a retry makes no second copy.
 */
export function sendDigestsActivity(dataSource: DataSource, links: EmailLinks) {
  return {
    async queueDueDigests(input: { slot: string }): Promise<{ outboxIds: string[] }> {
      const today = calendarDateInLondon(Date.parse(input.slot));
      const settings = await loadReminderSettings(dataSource.manager);
      const calendar = createWorkingCalendar({ extraClosedDays: settings.closedDays });
      const firstWorkingDayOfWeek = calendar.previousWorkingDay(today) < addCalendarDays(today, 1 - isoWeekday(today));
      const waiting = await dataSource.manager.find(DigestEntry, { where: { sentAt: IsNull() }, order: { createdAt: 'ASC' } });
      const byPerson = new Map<string, DigestEntry[]>();
      for (const entry of waiting) byPerson.set(entry.personId, [...(byPerson.get(entry.personId) ?? []), entry]);
      const outboxIds: string[] = [];
      for (const [personId, entries] of byPerson) {
        const person = await dataSource.manager.findOneBy(Person, { id: personId });
        if (!person) continue;
        if (person.digestPreference === 'weekly' && !firstWorkingDayOfWeek) continue;
        const transitionId = `digest:${personId}:${input.slot}`;
        const id = await dataSource.transaction(async (tx) => {
          const existing = await tx.findOneBy(OutboundEmail, { transitionId });
          if (existing) return existing.id;
          const email = renderDigestEmail({
            forceName: links.forceName,
            recipientName: person.name,
            entries,
            period: person.digestPreference === 'weekly' ? 'weekly' : 'daily',
          });
          const row = await tx.save(
            tx.create(OutboundEmail, {
              transitionId,
              template: 'digest',
              recipientId: person.id,
              toAddress: person.email,
              recommendationId: null,
              subject: email.subject,
              bodyText: email.text,
              bodyHtml: email.html,
            }),
          );
          await tx.update(
            DigestEntry,
            entries.map((e) => e.id),
            { outboundEmailId: row.id, sentAt: new Date() },
          );
          await recordAudit(
            tx,
            ...entries.map((entry) => ({
              actorId: null,
              actorLabel: 'Recommendation tracker (reminders)',
              entityType: 'recommendation' as const,
              entityId: entry.recommendationId,
              recommendationId: entry.recommendationId,
              type: 'reminder_digested',
              summary: `Included in ${person.name}'s ${person.digestPreference === 'weekly' ? 'weekly' : 'daily'} reminder email: ${entry.line}`,
              idempotencyKey: `digest-entry:${entry.id}`,
            })),
          );
          return row.id;
        });
        outboxIds.push(id);
      }
      return { outboxIds };
    },

    /** The next digest slot: the policy's send time on the next working day (tests pass `everyMs` instead). */
    async nextDigestSlot(input: { after: string }): Promise<string> {
      return slotAfter(await loadReminderSettings(dataSource.manager), input.after);
    },

    /** The next digest slot, and the revision of the settings it follows. */
    async nextDigestPlan(input: { after: string }): Promise<{ slot: string; settingsRevision: number }> {
      const settings = await loadReminderSettings(dataSource.manager);
      return { slot: slotAfter(settings, input.after), settingsRevision: settings.revision ?? 0 };
    },
  };
}

function slotAfter(settings: ReminderSettings, after: string): string {
  const calendar = createWorkingCalendar({ extraClosedDays: settings.closedDays });
  const afterMs = Date.parse(after);
  const today = calendarDateInLondon(afterMs);
  const todaySlot = calendar.isWorkingDay(today) ? sendInstant(today, settings.policy) : Number.NaN;
  const next = todaySlot > afterMs ? todaySlot : applyOffset({ date: today }, { workingDays: 1 }, 1, settings.policy, calendar).atMs;
  return new Date(next).toISOString();
}
