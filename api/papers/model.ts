import type { AtRiskFlag, Closure, DueDateEntry, LifecycleStatus, ProgressUpdate } from '../../domain/lifecycle/states';
import type { StatedStatusLine } from '../../domain/paperLayout';
import type { ClosureCategory, IsoDate, ItemKind, SourceKind, SourceScope } from '../../domain/vocabulary';

/**
 * The plain data every paper is built from: source reports and their items as they stood at the end of one day,
 * reconstructed from the audit trail (./asAt.ts). The paper builders take only this, so they are tested without a
 * database, and fixtures can be typed by hand.
 */

export interface ReportAsAt {
  id: string;
  title: string;
  originator: string;
  kind: SourceKind;
  scope: SourceScope;
  publishedOn: IsoDate;
  /** The London date the report was logged in the product. */
  loggedOn: IsoDate;
  /**
   * The report's status line in the force's words as at the date ("All recommendations closed"): given when it was
   * logged, or by the latest tracker import that stated one (./asAt.ts).
   */
  statedStatus?: StatedStatusLine | null;
}

/** What the papers read of how an item closed (not who closed it, nor what superseded it: no paper prints those). */
export type ClosureAsAt = Pick<Closure, 'how' | 'on' | 'afterDueDate' | 'reason'>;

export interface ItemAsAt {
  id: string;
  reportId: string;
  /** As printed: "4", "4a", "11.1". */
  reference: string;
  kind: ItemKind;
  /** The text as at the date: the text as logged, or its latest amendment. */
  text: string;
  addressedTo: string;
  /** False for items addressed to national bodies, tracked for awareness only. */
  forTheForce: boolean;
  department: string | null;
  /** The London date the item was logged. */
  loggedOn: IsoDate;
  status: LifecycleStatus;
  /** How it closed, while it is closed (the lifecycle sets it with the status 'closed' and clears it on reopening). */
  closure: ClosureAsAt | null;
  category: ClosureCategory | null;
  dueDate: IsoDate | null;
  dueDateHistory: DueDateEntry[];
  latestUpdate: ProgressUpdate | null;
  atRisk: AtRiskFlag | null;
  ownerId: string | null;
  leadId: string | null;
  notForTheForceReason: string | null;
}

export interface PaperData {
  /** The "as at" date: everything up to the end of this day (Europe/London). */
  asAt: IsoDate;
  reports: ReportAsAt[];
  items: ItemAsAt[];
  /** Names of the people the items mention (owners, leads, update authors), by id. */
  people: Record<string, string>;
}

export const paperKinds = ['overview', 'quarterly', 'tracker'] as const;
export type PaperKind = (typeof paperKinds)[number];

export const paperFormats = ['html', 'docx', 'pdf', 'xlsx', 'csv'] as const;
export type PaperFormat = (typeof paperFormats)[number];

/** Which formats each paper comes in: spreadsheets only for the tabular papers. */
export const formatsOf: Record<PaperKind, readonly PaperFormat[]> = {
  overview: ['html', 'docx', 'pdf'],
  quarterly: ['html', 'docx', 'pdf', 'xlsx', 'csv'],
  tracker: ['html', 'docx', 'pdf', 'xlsx', 'csv'],
};

export const paperTitles: Record<PaperKind, string> = {
  overview: 'HMICFRS inspections: current overview',
  quarterly: 'Audit and inspection actions: quarterly update',
  tracker: 'Inspection report recommendations: tracker',
};
