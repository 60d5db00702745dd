import { initialState, invariantViolations, type ClosureHow, type DueDateEntry, type LifecycleStatus, type RecommendationState } from './lifecycleStates';
import { closureCategories, isIsoDate, itemKinds, sourceKinds, sourceScopes, type ClosureCategory, type IsoDate, type ItemKind, type SourceKind, type SourceScope } from './vocabulary';

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
] as const;
export type ImportColumn = (typeof importColumns)[number];

/** Header names seen in forces' trackers (seeds 002–004), lower-cased, for the template's columns. */
export const importColumnAliases: Record<string, ImportColumn> = {
  'source title': 'Report title',
  title: 'Report title',
  report: 'Report title',
  'source originator': 'Originator',
  'source originator.': 'Originator',
  'date': 'Published on',
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
};

/** The statuses an import can start an item in, by the words trackers use. */
export const importStatuses: Record<string, { status: LifecycleStatus; closure?: ClosureHow }> = {
  'logged': { status: 'logged' },
  'new': { status: 'logged' },
  'not for the force': { status: 'not_for_the_force' },
  'white': { status: 'not_for_the_force' },
  'assigned': { status: 'assigned' },
  'in progress': { status: 'in_progress' },
  'on target': { status: 'in_progress' },
  'at risk': { status: 'in_progress' },
  'off target': { status: 'in_progress' },
  'amber': { status: 'in_progress' },
  // How these closed follows from the category (see closureFor).
  'closed': { status: 'closed' },
  'complete': { status: 'closed' },
  'green': { status: 'closed' },
  'self-certified': { status: 'closed', closure: 'self_certified' },
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
  dueDate: IsoDate | null;
  earlierDueDates: IsoDate[];
  status: LifecycleStatus;
  closure: ClosureHow | null;
  latestUpdate: string | null;
}

/** Maps a file's header row to template columns; unknown headers are reported, not guessed. */
export function mapHeaders(headers: string[]): { columns: (ImportColumn | null)[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const columns = headers.map((header) => {
    const clean = header.trim();
    const exact = importColumns.find((c) => c.toLowerCase() === clean.toLowerCase());
    const column = exact ?? importColumnAliases[clean.toLowerCase()] ?? null;
    if (!column && clean) problems.push({ row: 1, column: null, message: `the column "${clean}" is not one the import knows; rename it to one of the template's columns` });
    return column;
  });
  for (const required of ['Report title', 'Originator', 'Reference', 'Text'] as const) {
    if (!columns.includes(required)) problems.push({ row: 1, column: required, message: `the column "${required}" is missing` });
  }
  return { columns, problems };
}

const words = (value: string) => value.trim().toLowerCase().replace(/[_\s]+/g, ' ');

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

/** Checks one row (cells by template column) and reads it into an item, or says, per column, what is wrong. */
export function readImportRow(row: number, cells: Partial<Record<ImportColumn, string>>): { item: ImportedItem | null; problems: ImportProblem[] } {
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
    if (!value) return null;
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) problems.push({ row, column, message: `"${cell(column)}" is not an email address` });
    return value;
  };

  const title = need('Report title');
  const originator = need('Originator');
  const reference = need('Reference');
  const text = need('Text');
  const kind = oneOf('Item kind', itemKinds, 'recommendation');
  const sourceKind = oneOf('Source kind', sourceKinds, 'inspection');
  const scope = oneOf('Scope', sourceScopes, 'force');
  const publishedOn = date('Published on');
  const forTheForceCell = words(cell('For the force'));
  if (forTheForceCell && !['yes', 'no', 'y', 'n', 'true', 'false'].includes(forTheForceCell)) problems.push({ row, column: 'For the force', message: 'must be yes or no' });
  const forTheForce = !['no', 'n', 'false'].includes(forTheForceCell);
  const categoryCell = cell('Category');
  const category = categoryCell ? (closureCategories.find((c) => String(c) === categoryCell.replace(/^category\s*/i, '')) ?? null) : null;
  if (categoryCell && category === null) problems.push({ row, column: 'Category', message: `"${categoryCell}" is not a closure category (1, 2, 3 or 4)` });
  const statusCell = cell('Status');
  const mapped = statusCell ? importStatuses[words(statusCell).replace(/\.$/, '')] : { status: (forTheForce ? 'logged' : 'not_for_the_force') as LifecycleStatus };
  if (!mapped) problems.push({ row, column: 'Status', message: `"${statusCell}" is not a status the import knows (${Object.keys(importStatuses).join(', ')})` });
  const ownerEmail = email('Owner email');
  const leadEmail = email('Lead email');
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
  const status = mapped?.status ?? 'logged';
  if (['assigned', 'in_progress'].includes(status)) {
    if (!ownerEmail) problems.push({ row, column: 'Owner email', message: `an item that is ${status.replace(/_/g, ' ')} needs its owner` });
    if (!leadEmail) problems.push({ row, column: 'Lead email', message: `an item that is ${status.replace(/_/g, ' ')} needs its lead` });
    if (!dueDate) problems.push({ row, column: 'Due date', message: `an item that is ${status.replace(/_/g, ' ')} needs its due date` });
  }
  if (!forTheForce && status !== 'not_for_the_force' && status !== 'closed') problems.push({ row, column: 'Status', message: 'an item not for the force can only be "not for the force" or closed' });
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
      dueDate,
      earlierDueDates,
      status,
      closure: mapped?.closure ?? null,
      latestUpdate: cell('Latest update') || null,
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

/**
 * The lifecycle state an imported item starts in, with its original dates: the first due date and each later one
 * as an extension, the latest update, the closure. Null with reasons when the result would not be a sound state.
 */
export function importedState(
  recommendationId: string,
  item: ImportedItem,
  people: { ownerId: string | null; leadId: string | null },
  today: IsoDate,
): { state: RecommendationState | null; problems: string[] } {
  const state: RecommendationState = { ...initialState(recommendationId, item.category), status: item.status };
  if (item.ownerEmail || item.leadEmail || item.dueDate) {
    state.ownerId = people.ownerId;
    state.leadId = people.leadId;
    state.dueDate = item.dueDate;
    const dates = [...item.earlierDueDates, ...(item.dueDate ? [item.dueDate] : [])];
    state.dueDateHistory = dates.map(
      (dueDate, index): DueDateEntry => ({ dueDate, reason: index === 0 ? 'Due date from the imported tracker' : 'Extension recorded in the imported tracker', approvedBy: null, decidedOn: today, kind: index === 0 ? 'set' : 'extension' }),
    );
  }
  if (item.status === 'not_for_the_force') state.notForTheForceReason = item.addressedTo ? `Addressed to ${item.addressedTo}` : 'Marked not for the force in the imported tracker';
  if (item.latestUpdate) {
    state.latestUpdate = { text: item.latestUpdate, by: null, on: today };
    state.updateCount = 1;
  }
  if (item.status === 'closed') {
    const how = closureFor(item);
    if (!how) return { state: null, problems: ['a closed item needs its closure category (1 to 4), or a status that says how it closed (no longer relevant, business as usual)'] };
    if (how === 'self_certified') {
      state.selfCertification = { signatory: 'Recorded in the imported tracker', signatoryRole: null, letterReference: null, signedOn: today, recordedBy: null };
    }
    state.closure = { how, on: today, by: null, reason: 'Closed in the imported tracker', supersededBy: null, afterDueDate: false };
  }
  const problems = invariantViolations(state);
  return problems.length ? { state: null, problems } : { state, problems: [] };
}
