import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { nudgeKinds } from '../../domain/reminders/plan';
import type { Logger } from '../../platform/logger';
import { databaseFigures } from '../../platform/metrics/databaseFigures';

interface OutboxFigures {
  unsent: number;
  failed: number;
  oldestUnsentSeconds: number;
  /** Reminder emails the mail server accepted, by outbox template (`nudge:<kind>`, `digest`). */
  sentByTemplate: Map<string, number>;
}

/** Outbox templates of reminders: one per nudge kind sent on its own, and the digest that gathers routine ones. */
const reminderTemplates = [
  ...nudgeKinds.map((kind) => ({ template: `nudge:${kind}`, kind: kind as string })),
  { template: 'digest', kind: 'digest' },
];

/** The outbox for Prometheus: what waits to be sent and since when, what the mail server refused, and reminders sent. */
export function outboxMetrics(registry: Registry, logger: Logger, dataSource: DataSource): void {
  async function read(): Promise<OutboxFigures> {
    const [[waiting], sent] = (await Promise.all([
      dataSource.query(
        `SELECT count(*) FILTER (WHERE status = 'pending')::int AS unsent,
                count(*) FILTER (WHERE status = 'failed')::int AS failed,
                COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status = 'pending')), 0)::float8 AS "oldestUnsentSeconds"
           FROM outbound_emails`,
      ),
      dataSource.query(
        `SELECT template, count(*)::int AS sent FROM outbound_emails WHERE status = 'sent' AND template = ANY($1) GROUP BY template`,
        [reminderTemplates.map((t) => t.template)],
      ),
    ])) as [Omit<OutboxFigures, 'sentByTemplate'>[], { template: string; sent: number }[]];
    return { ...waiting!, sentByTemplate: new Map(sent.map((row) => [row.template, row.sent])) };
  }
  databaseFigures(registry, logger, read, [
    {
      name: 'recommendation_tracker_outbox_unsent_emails',
      help: 'Emails in the outbox not yet accepted by the mail server',
      samples: (f) => [{ value: f.unsent }],
    },
    {
      name: 'recommendation_tracker_outbox_oldest_unsent_age_seconds',
      help: 'How long the oldest email not yet accepted by the mail server has waited, in seconds (0 when none waits)',
      samples: (f) => [{ value: Math.max(0, f.oldestUnsentSeconds) }],
    },
    {
      name: 'recommendation_tracker_outbox_failed_emails',
      help: 'Emails the mail server refused for good (5xx), kept on the audit trail as failed',
      samples: (f) => [{ value: f.failed }],
    },
    {
      name: 'recommendation_tracker_reminder_emails_sent_total',
      help: 'Reminder emails the mail server accepted, since the product started keeping its outbox, by nudge kind (digest: the daily or weekly digest)',
      type: 'counter',
      labelNames: ['kind'],
      samples: (f) => reminderTemplates.map(({ template, kind }) => ({ labels: { kind }, value: f.sentByTemplate.get(template) ?? 0 })),
    },
  ]);
}
