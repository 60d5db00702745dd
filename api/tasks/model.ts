import type { LifecycleCommandType, RecommendationState } from '../../domain/lifecycle';
import type { Role } from '../../domain/vocabulary';
import type { RecommendationListItem } from '../recommendations/service';

/** What My tasks reads of the world (queries.ts) and turns into sections (sections.ts). */

/** An open item that may be someone's task, with what this person may do with it now (the lifecycle's guards). */
export interface TaskItem {
  item: RecommendationListItem;
  state: RecommendationState;
  /** The commands this person may issue on it now, delegations included (domain/lifecycle availableCommands). */
  commands: LifecycleCommandType[];
  ownerActive: boolean;
  leadActive: boolean;
}

export interface FailedEmail {
  id: string;
  toAddress: string;
  subject: string;
  recommendationId: string | null;
  createdAt: Date;
  lastError: string | null;
}

export interface TaskPerson {
  id: string;
  name: string;
  roles: Role[];
  /** People whose approvals this person may decide today through a delegation. */
  delegatesFor: string[];
}

/** Everything My tasks needs of one person. */
export interface TaskData {
  person: TaskPerson;
  items: TaskItem[];
  /** Emails the mail server refused in the last 30 days; only read for administrators. */
  failedEmails: FailedEmail[];
}

/** How far back My tasks looks for emails that could not be sent. */
export const FAILED_EMAIL_DAYS = 30;
