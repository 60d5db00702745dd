import type { DataSource } from 'typeorm';
import type { Mailer } from './mailer';
import { recordTransitionActivity, type EmailLinks } from './recordTransition';
import { sendOutboundEmailActivity } from './sendOutboundEmail';

export interface ActivityDependencies {
  dataSource: DataSource;
  mailer: Mailer;
  links: EmailLinks;
}

export function createActivities({ dataSource, mailer, links }: ActivityDependencies) {
  return {
    recordTransition: recordTransitionActivity(dataSource, links),
    ...sendOutboundEmailActivity(dataSource, mailer, new URL(links.publicUrl).hostname),
  };
}

export type Activities = ReturnType<typeof createActivities>;
