import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Logger } from '../platform/logger';
import type { ReadinessCheck } from '../platform/readiness';
import type { PasswordLinkService } from './auth/passwordLinks';
import type { AuthService } from './auth/service';
import type { AuditChainService } from './audit/service';
import type { ConsistencyCheck } from './consistency/service';
import type { WorkflowReconciler } from './consistency/reconcile';
import type { PeopleService } from './people/service';
import type { FirstRun } from './setup/firstRun';
import type { ReminderSettingsService } from './administration/reminderSettings';
import type { EvidenceService } from './evidence/service';
import type { AttachmentService } from './attachments/service';
import type { ImportService } from './imports/service';
import type { PeopleImportService } from './imports/peopleImport';
import type { ReportService } from './reports/service';
import type { RecommendationService } from './recommendations/service';
import type { PageShellDependencies } from '../platform/web/pageShell';
import type { CommentService } from './comments/service';

/** Everything the HTTP layer needs, passed in so tests build the app with real services and no port. */
export interface ApiServices {
  dataSource: DataSource;
  reports: ReportService;
  recommendations: RecommendationService;
  evidence: EvidenceService;
  /** Comments on items, with the lifecycle's rejection and refusal reasons among them. */
  comments: CommentService;
  /** Files attached to the self-certification letter, the HMICFRS submission and HMICFRS's responses. */
  attachments: AttachmentService;
  reminderSettings: ReminderSettingsService;
  imports: ImportService;
  /** The force's people from a file such as an HR export: a dry run, then one transaction. */
  peopleImport: PeopleImportService;
  /** Sign-in, sessions, API tokens, and the settings of sign-in and email links. */
  auth: AuthService;
  /** Administrators adding, editing and deactivating people. */
  people: PeopleService;
  /** Emailed links with which people choose their own password. */
  passwordLinks: PasswordLinkService;
  /** The first administrator, while there is none: the set-up code and /setup. */
  firstRun: FirstRun;
  /** Every open item's workflow against PostgreSQL: the admin page, its API and the metric. */
  consistency: ConsistencyCheck;
  /** Starts every open item's workflow again from PostgreSQL (Temporal's data lost): the admin page's rebuild. */
  reconciler: WorkflowReconciler;
  /** The audit trail's hash chain: verification and signed checkpoints. */
  auditChain: AuditChainService;
  /** Largest evidence file accepted, in bytes. */
  evidenceMaxBytes: number;
  logger: Logger;
  readiness(): Promise<ReadinessCheck>;
  forceName: string;
  /** Proxies whose X-Forwarded-For is believed (express 'trust proxy'); default loopback. */
  trustProxy?: string;
  /** The development mailbox (dev/mailbox.ts), when the product runs on embedded defaults with the local SMTP sink. */
  mailbox?: Router;
}

/**
 * What every feature is handed: the services, and what api/server.ts adds for the page frame (platform/web), which
 * knows no feature. Features import this file's types only (eslint.config.mjs).
 */
export interface ApiDependencies extends ApiServices, Omit<PageShellDependencies, 'forceName' | 'mailbox'> {}

export type { ReadinessCheck };
