import { formatLongDate } from '../../domain/calendar';
import { workingStatuses, type LifecycleCommandType, type RecommendationState } from '../../domain/lifecycle';
import { itemLabel } from '../../domain/vocabulary';
import { escapeHtml } from '../../platform/web/html';
import { statusTagHtml } from '../../platform/web/statusTags';
import type { RecommendationListItem } from '../recommendations/service';
import { FAILED_EMAIL_DAYS, type FailedEmail, type TaskData, type TaskItem } from './model';

/**
 * My tasks as sections, one per part a person plays: owner, lead, approver (or delegate), liaison lead, administrator.
 * Which items are whose task is the lifecycle's to say (each item's `commands`, from its guards), and overdue and at
 * risk are the figures every page shows (domain/figures.ts, carried on each list item): nothing is recomputed here.
 */

type Cell = { text: string } | { html: string };
export interface TaskTable {
  caption: string;
  head: { text: string }[];
  rows: Cell[][];
  empty: string;
}
export interface TaskSection {
  id: 'owner' | 'lead' | 'decisions' | 'hmicfrs' | 'administration';
  heading: string;
  /** How many things in it wait for this person. */
  count: number;
  /** What those things are (item ids, `email:<id>`, `person:<id>`), so the total counts an item in two sections once. */
  waiting: string[];
  tables: TaskTable[];
  /** Shown when every table is empty (and the section is one of this person's). */
  empty: string;
}
export interface TaskSections {
  sections: TaskSection[];
  /** Everything waiting for this person, each item counted once: what the navigation's count says too. */
  total: number;
}

const decisions: readonly LifecycleCommandType[] = ['approve', 'reject', 'decideExtension'];
const hmicfrsResponses: readonly LifecycleCommandType[] = ['recordHmicfrsResponse', 'recordVerificationVisit'];
const can = (t: TaskItem, ...commands: readonly LifecycleCommandType[]) => commands.some((c) => t.commands.includes(c));

const waitingOn = (keys: string[]) => {
  const waiting = [...new Set(keys)];
  return { waiting, count: waiting.length };
};
const head = (...names: string[]) => names.map((text) => ({ text }));
const date = (d: string | null | undefined) => (d ? formatLongDate(d) : '');
const link = (href: string, text: string): Cell => ({ html: `<a class="govuk-link" href="${escapeHtml(href)}">${escapeHtml(text)}</a>` });
const itemLink = (r: RecommendationListItem, href = `/recommendations/${r.id}`) => link(href, itemLabel(r.kind, r.reference));
const reportOf = (r: RecommendationListItem): Cell => ({ text: `${r.report.originator}: ${r.report.title}` });
const statusCell = (r: RecommendationListItem): Cell => ({ html: statusTagHtml(r) });
const table = (caption: string, names: string[], rows: Cell[][], empty = ''): TaskTable => ({
  caption: `${caption} (${rows.length})`,
  head: head(...names),
  rows,
  empty,
});

/** The next thing the owner should do, in plain words. */
function nextStep(r: RecommendationListItem): string {
  switch (r.status) {
    case 'assigned':
      return 'Accept the task';
    case 'in_progress':
    case 'reopened':
      return 'Post an update or submit evidence';
    case 'evidence_submitted':
    case 'awaiting_approval':
      return 'Wait for approval';
    default:
      return r.statusLabel;
  }
}

/** When the open step of the chain a decision belongs to was opened. */
function openedOn(state: RecommendationState, commands: readonly LifecycleCommandType[]): string | null {
  const chain = commands.includes('decideExtension') && !commands.includes('approve') ? state.pendingExtension?.chain : state.approval;
  return chain?.steps[chain.current]?.openedOn ?? chain?.startedOn ?? null;
}

function ownerSection(data: TaskData): TaskSection | null {
  const mine = data.items
    .filter(
      (t) => t.item.owner?.id === data.person.id && [...workingStatuses, 'evidence_submitted', 'awaiting_approval'].includes(t.item.status),
    )
    .map((t) => t.item);
  if (!data.person.roles.includes('action_owner') && mine.length === 0) return null;
  const overdue = mine.filter((r) => r.overdue);
  const dueSoon = mine.filter((r) => !r.overdue && (r.dueSoon || r.atRisk));
  const rest = mine.filter((r) => !overdue.includes(r) && !dueSoon.includes(r));
  const rows = (items: RecommendationListItem[]) =>
    items.map((r) => [itemLink(r), reportOf(r), { text: date(r.dueDate) }, { text: nextStep(r) }]);
  const names = ['Item', 'Report', 'Due', 'Next step'];
  return {
    id: 'owner',
    heading: 'Items you own',
    ...waitingOn(mine.filter((r) => workingStatuses.includes(r.status)).map((r) => r.id)),
    // The owner's three groups are always shown, empty or not: where to look first, every time.
    tables: [
      table('Overdue', names, rows(overdue), 'Nothing of yours is overdue.'),
      table('Due soon or at risk', names, rows(dueSoon), 'Nothing of yours is due soon or at risk.'),
      table('Under way or waiting for approval', names, rows(rest), 'Nothing else of yours is under way.'),
    ],
    empty: '',
  };
}

function leadSection(data: TaskData): TaskSection | null {
  const led = data.items.filter((t) => t.item.lead?.id === data.person.id);
  if (!data.person.roles.includes('lead') && led.length === 0) return null;
  const names = ['Item', 'Owner', 'Due', 'Status'];
  const rows = (items: TaskItem[], href?: (r: RecommendationListItem) => string) =>
    items.map(({ item: r }) => [
      itemLink(r, href?.(r)),
      { text: r.owner?.name ?? 'Not assigned' },
      { text: date(r.dueDate) },
      statusCell(r),
    ]);
  const overdue = led.filter((t) => t.item.overdue);
  const atRisk = led.filter((t) => t.item.atRisk);
  const waiting = led.filter((t) => t.commands.length > 0);
  return {
    id: 'lead',
    heading: 'Items you lead',
    ...waitingOn([...overdue, ...atRisk, ...waiting].map((t) => t.item.id)),
    tables: [
      table('Overdue', names, rows(overdue)),
      table('At risk', names, rows(atRisk)),
      table(
        'Waiting for you',
        names,
        rows(waiting, (r) =>
          can(
            waiting.find((t) => t.item === r)!,
            ...decisions,
          )
            ? `/approvals/${r.id}`
            : `/recommendations/${r.id}`,
        ),
      ),
    ],
    empty: 'Nothing you lead is overdue, at risk or waiting for you.',
  };
}

function decisionSection(data: TaskData): TaskSection | null {
  const waiting = data.items.filter((t) => can(t, ...decisions));
  const approver =
    data.person.roles.some((r) => r === 'lead' || r === 'dcc' || r === 'finance_director') || data.person.delegatesFor.length > 0;
  // The DCC signs the self-certification letter; an administrator records it, and finds it in their own section.
  const letters = data.person.roles.includes('administrator') ? [] : data.items.filter((t) => can(t, 'selfCertify'));
  if (!approver && waiting.length === 0 && letters.length === 0) return null;
  return {
    id: 'decisions',
    heading: 'Decisions waiting for you',
    ...waitingOn([...waiting, ...letters].map((t) => t.item.id)),
    tables: [
      table(
        'Approvals and extensions waiting for your decision, oldest first',
        ['Item', 'Report', 'Decision', 'Waiting since', 'Owner'],
        [...waiting]
          .sort((a, b) => (openedOn(a.state, a.commands) ?? '').localeCompare(openedOn(b.state, b.commands) ?? ''))
          .map((t) => [
            itemLink(t.item, `/approvals/${t.item.id}`),
            reportOf(t.item),
            { text: can(t, 'approve') ? 'Approve or reject the evidence' : 'Approve or refuse the extension' },
            { text: date(openedOn(t.state, t.commands)) },
            { text: t.item.owner?.name ?? '' },
          ]),
      ),
      table(
        'Self-certification letters to sign',
        ['Item', 'Report', 'Category'],
        letters.map((t) => [itemLink(t.item), reportOf(t.item), { text: String(t.item.category ?? '') }]),
      ),
    ],
    empty: 'Nothing is waiting for your decision.',
  };
}

function hmicfrsSection(data: TaskData): TaskSection | null {
  if (!data.person.roles.includes('liaison_lead')) return null;
  const toSubmit = data.items.filter((t) => can(t, 'submitToHmicfrs'));
  const realityTests = data.items.filter((t) => t.item.status === 'reality_test_at_next_inspection' && can(t, ...hmicfrsResponses));
  const awaiting = data.items.filter((t) => can(t, ...hmicfrsResponses) && !realityTests.includes(t));
  const submittedOn = (t: TaskItem) => ({ text: date(t.state.hmicfrs?.submittedOn ?? t.state.selfCertification?.signedOn) });
  return {
    id: 'hmicfrs',
    heading: 'HMICFRS submissions',
    ...waitingOn([...toSubmit, ...awaiting, ...realityTests].map((t) => t.item.id)),
    tables: [
      table(
        'To submit to HMICFRS',
        ['Item', 'Report', 'Self-certified on'],
        toSubmit.map((t) => [itemLink(t.item), reportOf(t.item), { text: date(t.state.selfCertification?.signedOn) }]),
      ),
      table(
        'Awaiting HMICFRS: record its response or visit',
        ['Item', 'Report', 'Status', 'Since'],
        awaiting.map((t) => [itemLink(t.item), reportOf(t.item), statusCell(t.item), submittedOn(t)]),
      ),
      table(
        'To be reality-tested at the next inspection',
        ['Item', 'Report', 'Submitted on'],
        realityTests.map((t) => [itemLink(t.item), reportOf(t.item), submittedOn(t)]),
      ),
    ],
    empty: 'Nothing is waiting to go to HMICFRS or for its answer.',
  };
}

/** One row per person no longer active who still owns or leads open items, linking to the list of those items. */
function peopleToReassign(items: TaskItem[]): { rows: Cell[][]; keys: string[] } {
  const people = new Map<string, { name: string; owned: number; led: number }>();
  for (const t of items.filter((x) => can(x, 'reassign', 'assign'))) {
    for (const [person, active, field] of [
      [t.item.owner, t.ownerActive, 'owned'],
      [t.item.lead, t.leadActive, 'led'],
    ] as const) {
      if (!person || active) continue;
      const entry = people.get(person.id) ?? { name: person.name, owned: 0, led: 0 };
      entry[field] += 1;
      people.set(person.id, entry);
    }
  }
  const countLink = (n: number, filter: string, id: string, what: string): Cell =>
    n
      ? {
          html: `<a class="govuk-link" href="/recommendations?${filter}=${escapeHtml(id)}">${n}<span class="govuk-visually-hidden"> ${escapeHtml(what)}</span></a>`,
        }
      : { text: '0' };
  const sorted = [...people.entries()].sort((a, b) => a[1].name.localeCompare(b[1].name));
  return {
    rows: sorted.map(([id, p]) => [
      { text: p.name },
      countLink(p.owned, 'owner', id, `items ${p.name} owns`),
      countLink(p.led, 'lead', id, `items ${p.name} leads`),
    ]),
    keys: sorted.map(([id]) => `person:${id}`),
  };
}

function failedEmailRows(emails: FailedEmail[], items: TaskItem[]): Cell[][] {
  const byId = new Map(items.map((t) => [t.item.id, t.item]));
  return emails.map((e) => {
    const item = e.recommendationId ? byId.get(e.recommendationId) : undefined;
    return [
      { text: e.toAddress },
      { text: e.subject },
      { text: date(e.createdAt.toISOString().slice(0, 10)) },
      e.recommendationId
        ? link(`/recommendations/${e.recommendationId}`, item ? itemLabel(item.kind, item.reference) : 'Open the item')
        : { text: '' },
      { text: e.lastError ?? '' },
    ];
  });
}

function administrationSection(data: TaskData): TaskSection | null {
  if (!data.person.roles.includes('administrator')) return null;
  const triage = data.items.filter((t) => can(t, 'markNotForTheForce') && t.item.category === null);
  const unassigned = data.items.filter((t) => can(t, 'assign') && t.item.owner === null && !triage.includes(t));
  const noApprover = data.items.filter(
    (t) =>
      can(t, 'rerouteApproval') &&
      (t.item.status === 'evidence_submitted' ||
        (t.state.pendingExtension && !t.state.pendingExtension.chain.steps[t.state.pendingExtension.chain.current]?.approverId)),
  );
  const letters = data.items.filter((t) => can(t, 'selfCertify'));
  const reassign = peopleToReassign(data.items);
  const simple = (t: TaskItem) => [itemLink(t.item), reportOf(t.item), statusCell(t.item)];
  return {
    id: 'administration',
    heading: 'Administration',
    ...waitingOn([
      ...[...triage, ...unassigned, ...noApprover, ...letters].map((t) => t.item.id),
      ...reassign.keys,
      ...data.failedEmails.map((e) => `email:${e.id}`),
    ]),
    tables: [
      table('To triage: for the force or not, and its category', ['Item', 'Report', 'Status'], triage.map(simple)),
      table('Not yet assigned', ['Item', 'Report', 'Status'], unassigned.map(simple)),
      table('Approvals with nobody to decide them', ['Item', 'Report', 'Status'], noApprover.map(simple)),
      table('Self-certification letters to record', ['Item', 'Report', 'Status'], letters.map(simple)),
      table('People no longer active whose items need a new owner or lead', ['Person', 'Items they own', 'Items they lead'], reassign.rows),
      table(
        `Emails that could not be sent (last ${FAILED_EMAIL_DAYS} days)`,
        ['To', 'Subject', 'Sent on', 'Item', 'Why'],
        failedEmailRows(data.failedEmails, data.items),
      ),
    ],
    empty: 'Nothing is waiting for an administrator.',
  };
}

/** Each of this person's sections; in all but the owner's, empty tables are left out, and a section with none says so. */
export function taskSections(data: TaskData): TaskSections {
  const sections = [ownerSection(data), leadSection(data), decisionSection(data), hmicfrsSection(data), administrationSection(data)]
    .filter((s): s is TaskSection => s !== null)
    .map((s) => (s.id === 'owner' ? s : { ...s, tables: s.tables.filter((t) => t.rows.length > 0) }));
  return { sections, total: new Set(sections.flatMap((s) => s.waiting)).size };
}
