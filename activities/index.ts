import type { DataSource } from 'typeorm';
import type { Mailer } from '../platform/email/mailer';
import { readRecordActivity, recordTransitionActivity, type EmailLinks } from './recordTransition';
import { propagateReminderSettingsActivity } from './propagateReminderSettings';
import { sendDigestsActivity } from './sendDigests';
import { nudgeQueue, sendNudgeNowActivity } from './sendNudge';
import { outboxSender, sendOutboundEmailActivity } from './sendOutboundEmail';
import { batchEmailCombiner } from './emails/batchEmail';

export interface ActivityDependencies {
  dataSource: DataSource;
  mailer: Mailer;
  links: EmailLinks;
}

export function createActivities({ dataSource, mailer, links }: ActivityDependencies) {
  const send = outboxSender(dataSource, mailer, new URL(links.publicUrl).hostname, batchEmailCombiner(dataSource, links));
  const queueNudge = nudgeQueue(dataSource, links);
  return {
    recordTransition: recordTransitionActivity(dataSource, links, send),
    readRecord: readRecordActivity(dataSource),
    ...sendOutboundEmailActivity(send),
    sendNudgeNow: sendNudgeNowActivity(queueNudge, send),
    ...sendDigestsActivity(dataSource, links),
    propagateReminderSettings: propagateReminderSettingsActivity(dataSource),
  };
}

export type Activities = ReturnType<typeof createActivities>;
