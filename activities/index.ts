import type { DataSource } from 'typeorm';
import type { Mailer } from './mailer';
import { recordTransitionActivity, type EmailLinks } from './recordTransition';
import { sendDigestsActivity } from './sendDigests';
import { sendNudgeActivity } from './sendNudge';
import { outboxSender, sendOutboundEmailActivity } from './sendOutboundEmail';

export interface ActivityDependencies {
  dataSource: DataSource;
  mailer: Mailer;
  links: EmailLinks;
}

export function createActivities({ dataSource, mailer, links }: ActivityDependencies) {
  const messageIdDomain = new URL(links.publicUrl).hostname;
  return {
    recordTransition: recordTransitionActivity(dataSource, links, outboxSender(dataSource, mailer, messageIdDomain)),
    ...sendOutboundEmailActivity(dataSource, mailer, messageIdDomain),
    sendNudge: sendNudgeActivity(dataSource, links),
    ...sendDigestsActivity(dataSource, links),
  };
}

export type Activities = ReturnType<typeof createActivities>;
