import { chooseRoute, resolveApprover, type Person, type RoutingRule } from './approvalRouting';
import type { Delegation } from './delegation';
import {
  initialState,
  invariantViolations,
  ownedStatuses,
  selfCertifiedStatuses,
  workingStatuses,
  type ApprovalChain,
  type ApprovalStep,
  type ClosureHow,
  type DueDateEntry,
  type LifecycleStatus,
  type RecommendationState,
} from './lifecycle/states';
import { statusWordingKey, type StatusMeaning } from './importStatusWording';
import {
  closureCategories,
  isIsoDate,
  itemKinds,
  sourceKinds,
  sourceScopes,
  type ClosureCategory,
  type IsoDate,
  type ItemKind,
  type SourceKind,
  type SourceScope,
} from './vocabulary';

/**
 * Rules for importing a force's existing tracker (a spreadsheet of reports and items): the columns of the template,
 * the header names other trackers use for them, how each cell is read, and the lifecycle state an imported item
 * starts in. Pure: the api reads the file and the database; this says what each row means and what is wrong with it.
 */

export const importColumns = [
  'Report title',
  'Originator',
  'Source kind',
  'Scope',
  'Published on',
  'Reference',
  'Item kind',
  'Text',
  'Addressed to',
  'For the force',
  'Category',
  'Department',
  'Owner email',
  'Lead email',
  'Due date',
  'Earlier due dates',
  'Status',
  'Latest update',
  'Logged on',
  'Status since',
  'Approval step',
  'Updated on',
  'Stated outstanding',
  'Stated closed',
  'Stated total',
] as const;
export type ImportColumn = (typeof importColumns)[number];

/** Header names seen in forces' trackers (seeds 002–004), lower-cased, for the template's columns. */
export const importColumnAliases: Record<string, ImportColumn> = {
  'source title': 'Report title',
  title: 'Report title',
  report: 'Report title',
  'source originator': 'Originator',
  'source originator.': 'Originator',
  date: 'Published on',
  'publication date': 'Published on',
  ref: 'Reference',
  'recommendation number': 'Reference',
  kind: 'Item kind',
  recommendation: 'Text',
  action: 'Text',
  'manager responsible': 'Lead email',
  lead: 'Lead email',
  owner: 'Owner email',
  'target date': 'Due date',
  'action status': 'Status',
  'action update': 'Latest update',
  comment: 'Latest update',
  'latest comment': 'Latest update',
  'date logged': 'Logged on',
  'status date': 'Status since',
  'date closed': 'Status since',
  'closed on': 'Status since',
  'update date': 'Updated on',
  'total number outstanding': 'Stated outstanding',
  'total outstanding': 'Stated outstanding',
  'number outstanding': 'Stated outstanding',
  'total number closed': 'Stated closed',
  'total closed': 'Stated closed',
  'number closed': 'Stated closed',
  'total number': 'Stated total',
  'total number of recommendations': 'Stated total',
};

/**
 * The counts a tracker states for a report (on its report row) or a closure category (on a category row), as it
 * printed them: kept, compared with what its rows imply (domain/reconciliation.ts), never used in place of them.
 */
export interface StatedFigures {
  outstanding: number | null;
  closed: number | null;
  total: number | null;
}

export const statedColumns = {
  outstanding: 'Stated outstanding',
  closed: 'Stated closed',
  total: 'Stated total',
} as const satisfies Record<keyof StatedFigures, ImportColumn>;

const hasStated = (cells: Partial<Record<ImportColumn, string>>) =>
  Object.values(statedColumns).some((column) => (cells[column] ?? '').trim() !== '');

/** Reads the stated counts of a report or category row: whole numbers, 0 or more, or blank (not stated). */
function readStated(row: number, cells: Partial<Record<ImportColumn, string>>, problems: ImportProblem[]): StatedFigures {
  const one = (column: ImportColumn): number | null => {
    const value = (cells[column] ?? '').trim();
    if (!value) return null;
    if (!/^\d{1,7}$/.test(value)) {
      problems.push({ row, column, message: `"${value}" is not a count (a whole number, 0 or more, or blank)` });
      return null;
    }
    return Number(value);
  };
  return { outstanding: one(statedColumns.outstanding), closed: one(statedColumns.closed), total: one(statedColumns.total) };
}

/**
 * The statuses an import can start an item in, by the words trackers use. "Self-certified" depends on the category
 * (`selfCertified`): a category 2 item closes on its letter, a category 3 item then goes to HMICFRS, a category 4
 * item waits for HMICFRS's visit.
 */
export const importStatuses: Record<
  string,
  { status: LifecycleStatus; closure?: ClosureHow; atRisk?: true; selfCertified?: true; ratingOnly?: true }
> = {
  logged: { status: 'logged' },
  new: { status: 'logged' },
  'not for the force': { status: 'not_for_the_force' },
  white: { status: 'not_for_the_force' },
  assigned: { status: 'assigned' },
  'in progress': { status: 'in_progress' },
  'on target': { status: 'in_progress' },
  'at risk': { status: 'in_progress', atRisk: true },
  'off target': { status: 'in_progress' },
  // A colour rates the work, it does not say anyone holds it: an AMBER row naming no owner, lead or due date is a
  // new report's item still being assessed (seed 003), logged until it is assigned.
  amber: { status: 'in_progress', ratingOnly: true },
  'awaiting approval': { status: 'awaiting_approval' },
  'proposed for closure': { status: 'awaiting_approval' },
  approved: { status: 'awaiting_self_certification' },
  'awaiting self-certification': { status: 'awaiting_self_certification' },
  'submitted to hmicfrs': { status: 'awaiting_hmicfrs_sign_off' },
  'awaiting hmicfrs sign-off': { status: 'awaiting_hmicfrs_sign_off' },
  'with hmicfrs': { status: 'awaiting_hmicfrs_sign_off' },
  'reality test at next inspection': { status: 'reality_test_at_next_inspection' },
  'awaiting verification visit': { status: 'awaiting_verification_visit' },
  // How these closed follows from the category (see closureFor).
  closed: { status: 'closed' },
  complete: { status: 'closed' },
  green: { status: 'closed' },
  'self-certified': { status: 'closed', selfCertified: true },
  'signed off': { status: 'closed', closure: 'signed_off_by_hmicfrs' },
  'no action required': { status: 'closed', closure: 'no_action_required' },
  'business as usual': { status: 'closed', closure: 'business_as_usual' },
  'no longer relevant': { status: 'closed', closure: 'no_longer_relevant' },
};

export interface ImportProblem {
  row: number;
  column: ImportColumn | null;
  message: string;
}

export interface ImportedItem {
  row: number;
  report: { title: string; originator: string; kind: SourceKind; scope: SourceScope; publishedOn: IsoDate };
  reference: string;
  kind: ItemKind;
  text: string;
  addressedTo: string;
  forTheForce: boolean;
  category: ClosureCategory | null;
  department: string | null;
  ownerEmail: string | null;
  leadEmail: string | null;
  /** The owner and lead as trackers often name them, without an email ("Supt Jane Smith"): found by name, if one person has it. */
  ownerName: string | null;
  leadName: string | null;
  dueDate: IsoDate | null;
  earlierDueDates: IsoDate[];
  status: LifecycleStatus;
  closure: ClosureHow | null;
  atRisk: boolean;
  latestUpdate: string | null;
  /** The status cell as the force wrote it, kept on the item as its "status as last reported". */
  reportedStatus: string | null;
  /** The owner and lead cells as written: kept as text for a closed item whose people are not (or no longer) in the product. */
  ownerAsWritten: string | null;
  leadAsWritten: string | null;
  /** The day the item was logged (default: the day of the import). */
  loggedOn: IsoDate | null;
  /** The day the item reached its status: accepted, evidence submitted, sent to HMICFRS, closed… (default: the day of the import). */
  statusSince: IsoDate | null;
  /** For an item awaiting approval: the step of the approval chain it waits at (1 = the first). */
  approvalStep: number | null;
  /** The day of the latest update (default: the status date). */
  updatedOn: IsoDate | null;
}

/** Maps a file's header row to template columns; unknown headers are reported, not guessed. */
export function mapHeaders(headers: string[]): { columns: (ImportColumn | null)[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const columns = headers.map((header) => {
    const clean = header.trim();
    const exact = importColumns.find((c) => c.toLowerCase() === clean.toLowerCase());
    const column = exact ?? importColumnAliases[clean.toLowerCase()] ?? null;
    if (!column && clean)
      problems.push({
        row: 1,
        column: null,
        message: `the column "${clean}" is not one the import knows; rename it to one of the template's columns`,
      });
    return column;
  });
  for (const required of ['Report title', 'Originator', 'Reference', 'Text'] as const) {
    if (!columns.includes(required)) problems.push({ row: 1, column: required, message: `the column "${required}" is missing` });
  }
  return { columns, problems };
}

const words = (value: string) =>
  value
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, ' ');

/** Reads dd/mm/yyyy (UK trackers), yyyy-mm-dd, or a spreadsheet date already turned into yyyy-mm-dd. */
export function readDate(value: string): IsoDate | null {
  const text = value.trim();
  if (isIsoDate(text)) return text;
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (uk) {
    const iso = `${uk[3]}-${uk[2]!.padStart(2, '0')}-${uk[1]!.padStart(2, '0')}`;
    return isIsoDate(iso) ? iso : null;
  }
  return null;
}

const isEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
/**
 * Letters (any script), with spaces, dots, hyphens, apostrophes and slashes between, perhaps a role in brackets after:
 * "Supt J. O'Neill-Smith", "T/Ch Insp Andrew Goodall", "Maria Fox (Archive & Exhibits Manager)" (seed 004). It is
 * looked up as written, brackets and all, so a remark such as "(retired)" finds nobody active.
 */
const isPersonName = (value: string) => value.length <= 120 && /^\p{L}[\p{L}\p{M} .'’/-]*( \([\p{L}\p{M} .'’&/-]+\))?$/u.test(value);

/** How a person is found from a tracker's name cell: case and spacing do not matter. */
export const personNameKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-GB');

/** Whether the import knows a status cell's words without a mapping (its own vocabulary). */
export const isImportVocabulary = (status: string) => importStatuses[words(status).replace(/\.$/, '')] !== undefined;

/** Checks one row (cells by template column) and reads it into an item, or says, per column, what is wrong. */
export function readImportRow(
  row: number,
  cells: Partial<Record<ImportColumn, string>>,
  /** What the force's own wordings mean, by `statusWordingKey`: confirmed, saved or proposed by the api. */
  statusMap: ReadonlyMap<string, StatusMeaning> = new Map(),
): { item: ImportedItem | null; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const cell = (column: ImportColumn) => (cells[column] ?? '').trim();
  const need = (column: ImportColumn) => {
    const value = cell(column);
    if (!value) problems.push({ row, column, message: 'must not be empty' });
    return value;
  };
  const oneOf = <T extends string>(column: ImportColumn, allowed: readonly T[], fallback: T): T => {
    const value = cell(column);
    if (!value) return fallback;
    const found = allowed.find((option) => words(option) === words(value));
    if (!found) problems.push({ row, column, message: `"${value}" is not one of: ${allowed.map((a) => a.replace(/_/g, ' ')).join(', ')}` });
    return found ?? fallback;
  };
  const date = (column: ImportColumn): IsoDate | null => {
    const value = cell(column);
    if (!value) return null;
    const parsed = readDate(value);
    if (!parsed) problems.push({ row, column, message: `"${value}" is not a date (write 31/03/2027 or 2027-03-31)` });
    return parsed;
  };
  const email = (column: ImportColumn): string | null => {
    const value = cell(column).toLowerCase();
    if (!value || !value.includes('@')) return null;
    if (!isEmail(value)) problems.push({ row, column, message: `"${cell(column)}" is not an email address` });
    return value;
  };
  /** A person named without an email; for a closed item, whose people may stay as text, a cell that is no name is left out. */
  const personName = (column: ImportColumn, closed: boolean): string | null => {
    const value = cell(column).replace(/\s+/g, ' ');
    if (!value || value.includes('@')) return null;
    if (isPersonName(value)) return value;
    if (closed) return null;
    problems.push({
      row,
      column,
      message: `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}" is neither an email address nor a person's name`,
    });
    return value;
  };

  const title = need('Report title');
  const originator = need('Originator');
  for (const column of Object.values(statedColumns))
    if (cell(column))
      problems.push({
        row,
        column,
        message: 'a stated count belongs on the report’s own row (its title, no reference, no text) or a category row, not on an item',
      });
  const reference = need('Reference');
  const text = need('Text');
  const kind = oneOf('Item kind', itemKinds, 'recommendation');
  const sourceKind = oneOf('Source kind', sourceKinds, 'inspection');
  const scope = oneOf('Scope', sourceScopes, 'force');
  const publishedOn = date('Published on');
  const forTheForceCell = words(cell('For the force'));
  if (forTheForceCell && !['yes', 'no', 'y', 'n', 'true', 'false'].includes(forTheForceCell))
    problems.push({ row, column: 'For the force', message: 'must be yes or no' });
  const forTheForce = !['no', 'n', 'false'].includes(forTheForceCell);
  const categoryCell = cell('Category');
  const category = categoryCell ? (closureCategories.find((c) => String(c) === categoryCell.replace(/^category\s*/i, '')) ?? null) : null;
  if (categoryCell && category === null)
    problems.push({ row, column: 'Category', message: `"${categoryCell}" is not a closure category (1, 2, 3 or 4)` });
  const statusCell = cell('Status');
  const meaning = statusMap.get(statusWordingKey(statusCell));
  const mapped: (typeof importStatuses)[string] | undefined = statusCell
    ? (importStatuses[words(statusCell).replace(/\.$/, '')] ?? (meaning ? importStatuses[meaning] : undefined))
    : { status: (forTheForce ? 'logged' : 'not_for_the_force') as LifecycleStatus };
  if (!mapped)
    problems.push({
      row,
      column: 'Status',
      message: `"${statusCell}" is not a status the import knows (${Object.keys(importStatuses).join(', ')})`,
    });
  const heldByNobody = !cell('Owner email') && !cell('Lead email') && !cell('Due date');
  const status: LifecycleStatus =
    mapped?.ratingOnly && heldByNobody && forTheForce
      ? 'logged'
      : mapped?.selfCertified
        ? category === 3
          ? 'self_certified'
          : category === 4
            ? 'awaiting_verification_visit'
            : 'closed'
        : (mapped?.status ?? 'logged');
  // A long-closed item may name people who have left, or name them without an email ("Supt J. Smith"): kept as text.
  const historic = status === 'closed';
  const ownerEmail = historic && !isEmail(cell('Owner email')) ? null : email('Owner email');
  const leadEmail = historic && !isEmail(cell('Lead email')) ? null : email('Lead email');
  // A closed item's people named without an email are found if still here (seed 004's managers), else kept as text.
  const ownerName = personName('Owner email', historic);
  const leadName = personName('Lead email', historic);
  const dueDate = date('Due date');
  const earlierDueDates = cell('Earlier due dates')
    .split(/[;,]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .flatMap((part) => {
      const parsed = readDate(part);
      if (!parsed) problems.push({ row, column: 'Earlier due dates', message: `"${part}" is not a date (separate dates with ;)` });
      return parsed ? [parsed] : [];
    });
  const loggedOn = date('Logged on');
  const statusSince = date('Status since');
  const updatedOn = date('Updated on');
  if (loggedOn && statusSince && statusSince < loggedOn)
    problems.push({ row, column: 'Status since', message: `is before the day the item was logged (${loggedOn})` });
  const stepCell = cell('Approval step');
  const approvalStep = stepCell ? Number(stepCell) : null;
  if (approvalStep !== null && !(Number.isInteger(approvalStep) && approvalStep >= 1))
    problems.push({
      row,
      column: 'Approval step',
      message: `"${stepCell}" is not a step number (1 for the first approver, 2 for the second…)`,
    });
  else if (approvalStep !== null && status !== 'awaiting_approval')
    problems.push({ row, column: 'Approval step', message: 'only an item awaiting approval waits at an approval step' });
  if (ownedStatuses.includes(status)) {
    if (!ownerEmail && !ownerName)
      problems.push({ row, column: 'Owner email', message: `an item that is ${status.replace(/_/g, ' ')} needs its owner` });
    if (!leadEmail && !leadName)
      problems.push({ row, column: 'Lead email', message: `an item that is ${status.replace(/_/g, ' ')} needs its lead` });
    if (!dueDate) problems.push({ row, column: 'Due date', message: `an item that is ${status.replace(/_/g, ' ')} needs its due date` });
  }
  if (!forTheForce && status !== 'not_for_the_force' && status !== 'closed')
    problems.push({ row, column: 'Status', message: 'an item not for the force can only be "not for the force" or closed' });
  if (problems.length) return { item: null, problems };
  return {
    item: {
      row,
      report: { title, originator, kind: sourceKind, scope, publishedOn: publishedOn ?? earlierDueDates[0] ?? dueDate ?? '1970-01-01' },
      reference,
      kind,
      text,
      addressedTo: cell('Addressed to'),
      forTheForce,
      category,
      department: cell('Department') || null,
      ownerEmail,
      leadEmail,
      ownerName,
      leadName,
      dueDate,
      earlierDueDates,
      status,
      closure: mapped?.closure ?? null,
      atRisk: mapped?.atRisk === true,
      latestUpdate: cell('Latest update') || null,
      reportedStatus: statusCell || null,
      ownerAsWritten: cell('Owner email') || null,
      leadAsWritten: cell('Lead email') || null,
      loggedOn,
      statusSince,
      approvalStep,
      updatedOn,
    },
    problems,
  };
}

/**
 * A report row (a report title, no reference, no text): the report's date, status line and stated counts, as the
 * paper gave them. The report may be listed without items, or its items may follow on rows of their own; an item
 * row with a blank Status takes the report's status line (see `planReportStatus`).
 */
export interface ImportedReport {
  row: number;
  report: ImportedItem['report'];
  /** The Status cell: the report's status line as the force wrote it ("HMICFRS have agreed closure of these recommendations."). */
  statusLine: string | null;
  /** "Total number outstanding", "Total number closed" and the total, as the paper printed them. */
  stated: StatedFigures;
  /** The day it was logged: "Logged on", else its publication date. */
  loggedOn: IsoDate;
}

/** Whether a row is a report row: it names a report but no item (no reference, no text). */
export const isReportRow = (cells: Partial<Record<ImportColumn, string>>) =>
  !(cells.Reference ?? '').trim() && !(cells.Text ?? '').trim() && !!(cells['Report title'] ?? '').trim();

/** A category row: the totals a tracker's category table states for one closure category. */
export interface ImportedCategoryTotal {
  row: number;
  category: ClosureCategory;
  stated: StatedFigures;
}

/** Whether a row is a category row: no report, no item, a Category and stated counts. */
export const isCategoryRow = (cells: Partial<Record<ImportColumn, string>>) =>
  !(cells['Report title'] ?? '').trim() &&
  !(cells.Reference ?? '').trim() &&
  !(cells.Text ?? '').trim() &&
  !!(cells.Category ?? '').trim() &&
  hasStated(cells);

/** Reads a category row: its closure category and the totals the tracker states for it. */
export function readCategoryRow(
  row: number,
  cells: Partial<Record<ImportColumn, string>>,
): { total: ImportedCategoryTotal | null; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const categoryCell = (cells.Category ?? '').trim();
  const category = closureCategories.find((c) => String(c) === categoryCell.replace(/^category\s*/i, '')) ?? null;
  if (category === null) problems.push({ row, column: 'Category', message: `"${categoryCell}" is not a closure category (1, 2, 3 or 4)` });
  const stated = readStated(row, cells, problems);
  if (problems.length || category === null) return { total: null, problems };
  return { total: { row, category, stated }, problems };
}

/** Reads a report listed without items; its publication date is needed, as papers order and date reports by it. */
export function readReportRow(
  row: number,
  cells: Partial<Record<ImportColumn, string>>,
): { report: ImportedReport | null; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const cell = (column: ImportColumn) => (cells[column] ?? '').trim();
  const date = (column: ImportColumn, needed: boolean): IsoDate | null => {
    const value = cell(column);
    if (!value) {
      if (needed) problems.push({ row, column, message: 'a report row needs its publication date' });
      return null;
    }
    const parsed = readDate(value);
    if (!parsed) problems.push({ row, column, message: `"${value}" is not a date (write 31/03/2027 or 2027-03-31)` });
    return parsed;
  };
  const originator = cell('Originator');
  if (!originator) problems.push({ row, column: 'Originator', message: 'must not be empty' });
  const kindCell = words(cell('Source kind'));
  const kind = kindCell ? sourceKinds.find((option) => words(option) === kindCell) : 'inspection';
  if (!kind)
    problems.push({
      row,
      column: 'Source kind',
      message: `"${cell('Source kind')}" is not one of: ${sourceKinds.map((a) => a.replace(/_/g, ' ')).join(', ')}`,
    });
  const scopeCell = words(cell('Scope'));
  const scope = scopeCell ? sourceScopes.find((option) => words(option) === scopeCell) : 'force';
  if (!scope) problems.push({ row, column: 'Scope', message: `"${cell('Scope')}" is not one of: ${sourceScopes.join(', ')}` });
  const publishedOn = date('Published on', true);
  const loggedOn = date('Logged on', false);
  const stated = readStated(row, cells, problems);
  if (publishedOn && loggedOn && loggedOn < publishedOn)
    problems.push({ row, column: 'Logged on', message: `is before the report was published (${publishedOn})` });
  if (problems.length || !kind || !scope || !publishedOn) return { report: null, problems };
  return {
    report: {
      row,
      report: { title: cell('Report title'), originator, kind, scope, publishedOn },
      statusLine: cell('Status') || null,
      stated,
      loggedOn: loggedOn ?? publishedOn,
    },
    problems,
  };
}

/** How a closed item closed, when the tracker says only "closed": what its category means. */
function closureFor(item: ImportedItem): ClosureHow | null {
  if (item.closure) return item.closure;
  switch (item.category) {
    case 1:
      return 'no_action_required';
    case 2:
      return 'self_certified';
    case 3:
    case 4:
      return 'signed_off_by_hmicfrs';
    default:
      return null;
  }
}

/** What routing needs to build an approval chain for an item imported part-way through approval. */
export interface ImportRouting {
  rules: readonly RoutingRule[];
  people: Person[];
  delegations: Delegation[];
}

/** One dated step of an imported item's history: the fields of its state that change that day. */
export interface ImportStep {
  on: IsoDate;
  type: 'recommendation_imported' | 'imported_extension' | 'imported_update' | 'imported_status';
  summary: string;
  change: Partial<RecommendationState>;
}

const statusWords = (status: LifecycleStatus) => status.replace(/_/g, ' ');

/**
 * The approval chain of an item imported while awaiting approval (open at `openStep`, 0-based) or approved (every
 * step approved, `openStep` = the number of steps): the force's route for the item, each step's approver resolved
 * as the lifecycle resolves them, on the day the item reached its status. Earlier steps' approvals are recorded as
 * given that day, since the tracker does not say when.
 */
function importedChain(
  state: RecommendationState,
  item: ImportedItem,
  routing: ImportRouting | undefined,
  on: IsoDate,
  openStep: number | 'all',
): { chain: ApprovalChain | null; problem: string | null } {
  if (!routing) return { chain: null, problem: 'nobody can approve it: the list of people was not available' };
  const route = chooseRoute(routing.rules, {
    originator: item.report.originator,
    sourceKind: item.report.kind,
    category: item.category,
    department: item.department,
    itemKind: item.kind,
  });
  if (!route) return { chain: null, problem: 'no approval route matches the item' };
  const open = openStep === 'all' ? route.steps.length : openStep;
  if (open >= route.steps.length && openStep !== 'all')
    return {
      chain: null,
      problem: `its approval route has ${route.steps.length} step${route.steps.length === 1 ? '' : 's'}, so it cannot wait at step ${open + 1}`,
    };
  const taken: string[] = [];
  const steps: ApprovalStep[] = [];
  for (const [index, step] of route.steps.entries()) {
    if (index > open) {
      steps.push({ step, approverId: null, onBehalfOf: null, openedOn: null, waitingReason: null, approval: null, outdated: [] });
      continue;
    }
    const outcome = resolveApprover(step, {
      item: { ownerId: state.ownerId, leadId: state.leadId },
      people: routing.people,
      delegations: routing.delegations,
      today: on,
      exclude: taken,
    });
    if (!outcome.ok) return { chain: null, problem: `step ${index + 1} of its approval route: ${outcome.reason}` };
    taken.push(outcome.approverId, ...(outcome.onBehalfOf ? [outcome.onBehalfOf] : []));
    const approval =
      index < open
        ? {
            by: outcome.approverId,
            onBehalfOf: outcome.onBehalfOf,
            on,
            evidenceVersion: 1,
            textVersion: state.textVersion,
            comment: 'Approved before the import (recorded in the imported tracker)',
          }
        : null;
    steps.push({
      step,
      approverId: outcome.approverId,
      onBehalfOf: outcome.onBehalfOf,
      openedOn: on,
      waitingReason: null,
      approval,
      outdated: [],
    });
  }
  return { chain: { routeId: route.id, startedOn: on, current: open, steps }, problem: null };
}

/**
 * The history an imported item starts with, as dated steps from its original dates, and the state it ends in:
 *  - the day it was logged: its owner, lead and first due date, in progress (or assigned, not for the force…);
 *  - each extension: on the day the earlier date fell due (the tracker does not say when it was agreed), never
 *    after the day it reached its status;
 *  - its latest update, on its date;
 *  - the day it reached its status: evidence, approval chain (open at its step), self-certification letter,
 *    submission to HMICFRS, at-risk flag or closure, each dated that day, so reminders and chases count from it.
 * Dates the tracker leaves out are the import's day. Papers as at an earlier date show the item as it stood then.
 * Null state with reasons when the result would not be a sound state.
 */
export function importedHistory(
  recommendationId: string,
  item: ImportedItem,
  people: { ownerId: string | null; leadId: string | null },
  today: IsoDate,
  routing?: ImportRouting,
): { steps: ImportStep[]; state: RecommendationState | null; problems: string[] } {
  const loggedOn = item.loggedOn ?? today;
  const statusSince = item.statusSince ?? (item.loggedOn && item.loggedOn > today ? item.loggedOn : today);
  const updatedOn = item.updatedOn ?? statusSince;
  const future = [loggedOn, statusSince, updatedOn].filter((date) => date > today);
  if (future.length) return { steps: [], state: null, problems: [`its dates must not be after today (${future[0]})`] };

  const initial = initialState(recommendationId, item.category);
  // A closed item whose owner and lead are not both people in the product closes without them (their names stay
  // on the item as text), its due date counting only for whether it closed late.
  const historic = item.status === 'closed' && !(people.ownerId && people.leadId && item.dueDate);
  const owned = !historic && (item.ownerEmail || item.leadEmail || item.ownerName || item.leadName || item.dueDate);
  const dates = historic ? [] : [...item.earlierDueDates, ...(item.dueDate ? [item.dueDate] : [])];
  const first: Partial<RecommendationState> = { category: item.category };
  if (owned) {
    Object.assign(first, { ownerId: people.ownerId, leadId: people.leadId, dueDate: dates[0] ?? null });
    first.dueDateHistory = dates.slice(0, 1).map((dueDate): DueDateEntry => ({
      dueDate,
      reason: 'Due date from the imported tracker',
      approvedBy: null,
      decidedOn: loggedOn,
      kind: 'set',
    }));
    first.status = item.status === 'assigned' ? 'assigned' : 'in_progress';
  }
  if (item.status === 'not_for_the_force') {
    first.status = 'not_for_the_force';
    first.notForTheForceReason = item.addressedTo ? `Addressed to ${item.addressedTo}` : 'Marked not for the force in the imported tracker';
  }
  const steps: ImportStep[] = [
    { on: loggedOn, type: 'recommendation_imported', summary: `Imported as ${statusWords(first.status ?? 'logged')}`, change: first },
  ];

  let history = first.dueDateHistory ?? [];
  for (let index = 1; index < dates.length; index++) {
    const earlier = dates[index - 1]!;
    const fellDue = earlier < statusSince ? earlier : statusSince;
    const on = fellDue < loggedOn ? loggedOn : fellDue;
    history = [
      ...history,
      { dueDate: dates[index]!, reason: 'Extension recorded in the imported tracker', approvedBy: null, decidedOn: on, kind: 'extension' },
    ];
    steps.push({
      on,
      type: 'imported_extension',
      summary: `Due date extended to ${dates[index]} (imported tracker)`,
      change: { dueDate: dates[index]!, dueDateHistory: history },
    });
  }
  if (item.latestUpdate) {
    steps.push({
      on: updatedOn,
      type: 'imported_update',
      summary: item.latestUpdate,
      change: { latestUpdate: { text: item.latestUpdate, by: null, on: updatedOn }, updateCount: 1 },
    });
  }

  // The state so far, for what the last step depends on (owner, lead, due date).
  let state: RecommendationState = initial;
  const fold = () => {
    state = initial;
    for (const step of steps) state = { ...state, ...step.change };
  };
  fold();
  const last: Partial<RecommendationState> = {};
  const status = item.status;
  if (status !== (first.status ?? 'logged')) last.status = status;
  if (item.atRisk && workingStatuses.includes(status))
    last.atRisk = { reason: 'At risk in the imported tracker', flaggedBy: null, flaggedOn: statusSince };
  const evidenced = ['evidence_submitted', 'awaiting_approval', 'awaiting_self_certification', ...selfCertifiedStatuses].includes(status);
  if (evidenced) {
    last.evidence = {
      summary: 'Evidence recorded in the imported tracker',
      version: 1,
      submittedBy: state.ownerId,
      submittedOn: statusSince,
    };
    const { chain, problem } = importedChain(
      state,
      item,
      routing,
      statusSince,
      status === 'awaiting_approval' ? (item.approvalStep ?? 1) - 1 : 'all',
    );
    if (problem) return { steps: [], state: null, problems: [problem] };
    last.approval = chain;
  }
  const closure = status === 'closed' ? closureFor(item) : null;
  if (selfCertifiedStatuses.includes(status) || closure === 'self_certified') {
    last.selfCertification = {
      signatory: 'Recorded in the imported tracker',
      signatoryRole: null,
      letterReference: null,
      signedOn: statusSince,
      recordedBy: null,
    };
  }
  if (status === 'awaiting_hmicfrs_sign_off' || status === 'reality_test_at_next_inspection') {
    last.hmicfrs = {
      submittedOn: statusSince,
      submittedBy: null,
      reference: null,
      realityTestAtNextInspection: status === 'reality_test_at_next_inspection',
      visitedOn: null,
      visitNotes: null,
    };
  }
  if (status === 'closed') {
    if (!closure)
      return {
        steps: [],
        state: null,
        problems: [
          'a closed item needs its closure category (1 to 4), or a status that says how it closed (no longer relevant, business as usual)',
        ],
      };
    const dueDate = state.dueDate ?? (historic ? item.dueDate : null);
    last.closure = {
      how: closure,
      on: statusSince,
      by: null,
      reason: 'Closed in the imported tracker',
      supersededBy: null,
      afterDueDate: dueDate !== null && statusSince > dueDate,
    };
  }
  if (Object.keys(last).length)
    steps.push({
      on: statusSince,
      type: 'imported_status',
      summary: `${statusWords(status)} since ${statusSince} (imported tracker)`,
      change: last,
    });

  // Steps in date order; on one day, in the order above.
  const ordered = steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => (a.step.on === b.step.on ? a.index - b.index : a.step.on < b.step.on ? -1 : 1))
    .map(({ step }) => step);
  steps.splice(0, steps.length, ...ordered);
  fold();
  const problems = invariantViolations(state);
  return problems.length ? { steps: [], state: null, problems } : { steps, state, problems: [] };
}

/** Whether a status the import reads (its own word or a confirmed meaning) closes the item: a report's line "closed". */
export function statusCloses(status: string): boolean {
  const known = importStatuses[words(status).replace(/\.$/, '')];
  return known !== undefined && known.status === 'closed' && !known.selfCertified;
}

/** For an item that takes its report's status line: counted outstanding, or closed. */
export type ReportItemChoice = 'outstanding' | 'closed';

export interface ReportStatusPlan {
  /** Each item row that takes the line (blank Status), in file order, with what it is taken as. */
  items: { row: number; choice: ReportItemChoice; proposed: ReportItemChoice; chosen: boolean }[];
  /** The line and counts do not say which items are which: the person chooses per item (the proposal is the default). */
  ambiguous: boolean;
  /** Why, in words, for the dry run. */
  why: string;
}

/**
 * How a report's status line and stated counts apply to the report's items that have no status of their own
 * (`inheriting`, row numbers in file order). Unambiguous when every such item must be the same: no stated
 * "outstanding", or one that the line and the items agree on. Otherwise (3 outstanding of 4 listed, or a line that
 * says closed with items stated outstanding) the person chooses per item; the proposal meets the stated count with the
 * items in the order listed, outstanding first. `ownOutstanding`: items of the report with a status of their own
 * that are not closed, which count towards the stated number. A choice for an unambiguous item is ignored.
 */
export function planReportStatus(
  lineCloses: boolean,
  stated: StatedFigures,
  inheriting: readonly number[],
  ownOutstanding: number,
  choices: ReadonlyMap<number, ReportItemChoice> = new Map(),
): ReportStatusPlan {
  const n = inheriting.length;
  const line: ReportItemChoice = lineCloses ? 'closed' : 'outstanding';
  const all = (why: string): ReportStatusPlan => ({
    items: inheriting.map((row) => ({ row, choice: line, proposed: line, chosen: false })),
    ambiguous: false,
    why,
  });
  if (stated.outstanding === null)
    return all(`the status line ${lineCloses ? 'says closed' : 'says open'}, with no stated count outstanding`);
  const needed = Math.max(0, stated.outstanding - ownOutstanding);
  if (!lineCloses && needed >= n) return all(`the status line says open and ${stated.outstanding} are stated outstanding`);
  if (lineCloses && needed === 0) return all(`the status line says closed and none are stated outstanding`);
  const outstanding = Math.min(needed, n);
  const items = inheriting.map((row, index) => {
    const proposed: ReportItemChoice = index < outstanding ? 'outstanding' : 'closed';
    const choice = choices.get(row);
    return { row, choice: choice ?? proposed, proposed, chosen: choice !== undefined };
  });
  const why = lineCloses
    ? `the status line says closed, but ${stated.outstanding} ${stated.outstanding === 1 ? 'is' : 'are'} stated outstanding of ${n + ownOutstanding} listed; the tracker does not say which`
    : `${stated.outstanding} ${stated.outstanding === 1 ? 'is' : 'are'} stated outstanding of ${n + ownOutstanding} listed; the tracker does not say which`;
  return { items, ambiguous: true, why };
}

/** The Status an item taking its report's line is read with: the line itself, or the choice made against it. */
export function inheritedStatus(line: string, lineCloses: boolean, choice: ReportItemChoice): string {
  if ((choice === 'closed') === lineCloses) return line;
  return choice === 'closed' ? 'closed' : 'in progress';
}
