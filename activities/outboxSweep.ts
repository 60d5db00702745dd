import type { DataSource } from 'typeorm';
import type { Logger } from '../platform/logger';
import { runPeriodically } from '../platform/periodic';
import type { OutboxSender } from './sendOutboundEmail';

/** Old enough that whoever queued the email (a command, a reminder, a comment) has had its own go at sending it. */
const LEFT_FOR = "interval '2 minutes'";
const MOST_PER_SWEEP = 500;

/**
 * Sends outbox emails that nobody is sending any more: one whose first try found the mail server away, queued
 * outside a workflow (a comment) or by a process that stopped. The claim on each row keeps this from sending one
 * that a workflow's activity is sending at the same moment. Returns how many went.
 */
export async function sweepOutbox(dataSource: DataSource, send: OutboxSender): Promise<{ tried: number; sent: number }> {
  const rows: { id: string }[] = await dataSource.query(
    `SELECT id FROM outbound_emails
      WHERE status = 'pending' AND created_at < now() - ${LEFT_FOR} AND (lease_until IS NULL OR lease_until < now()) AND (hold_until IS NULL OR hold_until <= now())
      ORDER BY created_at LIMIT ${MOST_PER_SWEEP}`,
  );
  if (rows.length === 0) return { tried: 0, sent: 0 };
  const waiting = await send.sendPending(rows.map((r) => r.id));
  return { tried: rows.length, sent: rows.length - waiting.length };
}

/** The sweep every `everyMs` in the worker process; a failed sweep is logged and the next one tries again. */
export function startOutboxSweep(dataSource: DataSource, send: OutboxSender, logger: Logger, everyMs: number): () => Promise<void> {
  return runPeriodically(async () => {
    try {
      const { tried, sent } = await sweepOutbox(dataSource, send);
      if (tried) logger.info({ tried, sent }, 'outbox sweep: sent emails left unsent');
    } catch (error) {
      logger.warn({ err: error }, 'outbox sweep failed; the next one tries again');
    }
  }, everyMs);
}
