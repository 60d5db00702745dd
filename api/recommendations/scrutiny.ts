import { In, type DataSource } from 'typeorm';
import { describeStep } from '../../domain/approvalRouting';
import { formatLongDate } from '../../domain/calendar';
import type { ApprovalChain, LifecycleStatus, Rejection } from '../../domain/lifecycle/states';
import { closureCategoryLabels, itemLabel, type ClosureCategory } from '../../domain/vocabulary';
import type { EvidenceSummary } from '../evidence/service';
import { fileSize } from '../../platform/web/fileSize';
import type { RecommendationView } from './service';
import { Person } from '../../entities';
import { escapeHtml } from '../../platform/web/html';

/**
 * What an approver needs to scrutinise an item on one screen (platform/web/templates/partials/scrutiny.njk): the item, its
 * report, the owner's summary, the evidence, every progress update, earlier rejections and the approval chain with
 * each approver's comment. The approval page, the email-link page and the recommendation page all show it.
 */

export const itemName = (r: { kind: string; reference: string }) => itemLabel(r.kind, r.reference);
const date = (d: string | null | undefined) => (d ? formatLongDate(d) : '');
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });

type Cell = { text: string } | { html: string };
type SummaryRow = { key: { text: string }; value: Cell };

export interface ProgressUpdate {
  text: string;
  by: string;
  on: string;
}

export interface EarlierRejection {
  by: string;
  on: string;
  reasons: string;
  /** What the approvers before the rejection said in that round: "Nadia Haskins approved on 3 March 2027: Good". */
  approvals: string[];
}

export interface ScrutinyView {
  id: string;
  name: string;
  caption: string;
  text: string;
  status: LifecycleStatus;
  statusLabel: string;
  /** Today's figures (domain/figures.ts), shown as tags beside the status. */
  atRisk: boolean;
  overdue: boolean;
  details: SummaryRow[];
  parts: Cell[][];
  ownerSummary: SummaryRow[] | null;
  evidence: Cell[][];
  /** Where signed-out readers (email links) go to open the files; null when the files link directly. */
  signInForFiles: string | null;
  rejections: EarlierRejection[];
  chain: { caption: string; rows: Cell[][] } | null;
  updates: ProgressUpdate[];
}

/** The names of the people an item's state and history refer to, loaded in one query. */
export async function nameLookup(dataSource: DataSource, view: RecommendationView): Promise<(id: string | null | undefined) => string> {
  const ids = new Set<string>();
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const collect = (_key: string, value: unknown) => {
    if (typeof value === 'string' && uuid.test(value)) ids.add(value);
    return value;
  };
  JSON.stringify([view.state, view.history.map((h) => h.after)], collect);
  const people = ids.size ? await dataSource.manager.find(Person, { where: { id: In([...ids]) }, select: { id: true, name: true } }) : [];
  const names = new Map(people.map((p) => [p.id, p.name]));
  return (id) => (id ? (names.get(id) ?? 'Someone no longer here') : 'The system');
}

/** Every progress update on the item, newest first, from its audit trail. */
export function progressUpdates(view: RecommendationView, nameOf: (id: string | null) => string): ProgressUpdate[] {
  return view.history
    .flatMap((h) => {
      const update = (h.after as { latestUpdate?: { text: string; by: string | null; on: string } } | null)?.latestUpdate;
      return update ? [{ text: update.text, by: nameOf(update.by), on: date(update.on) }] : [];
    })
    .reverse();
}

/** Every rejection of the evidence (by an approver or HMICFRS), newest first, with that round's approvals, from the audit trail. */
export function earlierRejections(view: RecommendationView, nameOf: (id: string | null) => string): EarlierRejection[] {
  return view.history
    .flatMap((h) => {
      const rejection = (h.after as { lastRejection?: Rejection | null } | null)?.lastRejection;
      if (!rejection) return [];
      const round = (h.before as { approval?: ApprovalChain | null } | null)?.approval;
      const approvals = (round?.steps ?? []).flatMap((st) =>
        st.approval
          ? [`${nameOf(st.approval.by)} approved on ${date(st.approval.on)}${st.approval.comment ? `: ${st.approval.comment}` : ''}`]
          : [],
      );
      return [
        {
          by: rejection.source === 'hmicfrs' ? 'HMICFRS' : nameOf(rejection.by),
          on: date(rejection.on),
          reasons: rejection.reasons,
          approvals,
        },
      ];
    })
    .reverse();
}

function chainRows(chain: ApprovalChain, nameOf: (id: string | null) => string): Cell[][] {
  return chain.steps.map((st, i) => {
    const approver = st.approverId
      ? nameOf(st.approverId) + (st.onBehalfOf ? ` (for ${nameOf(st.onBehalfOf)})` : '')
      : `${capitalise(describeStep(st.step))} (named when the step opens)`;
    const decision = st.approval ? `Approved on ${date(st.approval.on)}` : i === chain.current ? 'Waiting' : 'Not yet';
    return [{ text: String(i + 1) }, { text: approver }, { text: decision }, { text: st.approval?.comment ?? '' }];
  });
}

export function evidenceRows(items: EvidenceSummary[], options: { recommendationId: string; downloadable: boolean }): Cell[][] {
  return items.map((e) => {
    const what =
      e.kind === 'file'
        ? options.downloadable
          ? {
              html: `<a class="govuk-link" href="/recommendations/${options.recommendationId}/evidence/${e.id}/download">${escapeHtml(e.title)}</a>`,
            }
          : { text: e.title }
        : e.kind === 'link' && e.url && /^https?:\/\//i.test(e.url)
          ? { html: `<a class="govuk-link" href="${escapeHtml(e.url)}" rel="noreferrer noopener">${escapeHtml(e.title)}</a>` }
          : { text: e.title };
    const detail =
      e.kind === 'file' ? `File, ${fileSize(e.sizeBytes)}` : e.kind === 'link' ? `Link: ${e.url ?? ''}` : `Note: ${e.note ?? ''}`;
    return [what, { text: detail }, { text: e.addedByLabel }, { text: londonTime.format(e.addedAt) }];
  });
}

export function scrutinyView(
  view: RecommendationView,
  evidence: EvidenceSummary[],
  nameOf: (id: string | null | undefined) => string,
  options: { signedIn: boolean },
): ScrutinyView {
  const s = view.state;
  const person = (p: RecommendationView['owner']) => (p ? [p.name, p.jobTitle].filter(Boolean).join(', ') : 'Not assigned');
  const row = (key: string, text: string): SummaryRow => ({ key: { text: key }, value: { text } });
  const extension = s.pendingExtension;
  const chain = extension?.chain ?? s.approval;
  return {
    id: view.id,
    name: itemName(view),
    caption: `${view.report.originator}: ${view.report.title} (published ${date(view.report.publishedOn)})`,
    text: s.text ?? view.text,
    status: view.status,
    statusLabel: view.statusLabel,
    atRisk: view.figures.atRisk,
    overdue: view.figures.overdue,
    details: [
      row('Reference', view.reference),
      row('Addressed to', view.addressedTo || 'The force'),
      row('Closure category', view.category ? closureCategoryLabels[view.category as ClosureCategory] : 'Not yet set'),
      row(
        'Action owner',
        view.owner || !view.reportedOwner ? person(view.owner) : `${view.reportedOwner} (as the imported tracker names them)`,
      ),
      row('Lead', view.lead || !view.reportedLead ? person(view.lead) : `${view.reportedLead} (as the imported tracker names them)`),
      row('Department', view.department ?? 'Not set'),
      ...(view.reportedStatus ? [row('Status as last reported', view.reportedStatus)] : []),
      row(
        'Due',
        view.dueDate
          ? date(view.dueDate) + (view.figures.overdueSince ? ` (overdue since ${date(view.figures.overdueSince)})` : '')
          : 'No due date yet',
      ),
      ...(s.atRisk ? [row('Flagged at risk', `${s.atRisk.reason} (${nameOf(s.atRisk.flaggedBy)}, ${date(s.atRisk.flaggedOn)})`)] : []),
      ...(extension
        ? [
            row(
              'Extension asked for',
              `to ${date(extension.requestedDueDate)} by ${nameOf(extension.requestedBy)} on ${date(extension.requestedOn)}: ${extension.reason}`,
            ),
          ]
        : []),
      ...(s.selfCertification
        ? [
            row(
              'Self-certification letter',
              `signed by ${s.selfCertification.signatory}${s.selfCertification.signatoryRole ? `, ${s.selfCertification.signatoryRole}` : ''} on ${date(s.selfCertification.signedOn)}`,
            ),
          ]
        : []),
    ],
    parts: s.parts.map((p) => [{ text: p.reference }, { text: p.text }, { text: p.status.replace(/_/g, ' ') }]),
    ownerSummary: s.evidence
      ? [
          row("Owner's summary of the evidence", s.evidence.summary),
          row('Submitted', `${date(s.evidence.submittedOn)} by ${nameOf(s.evidence.submittedBy)} (version ${s.evidence.version})`),
        ]
      : null,
    evidence: evidenceRows(evidence, { recommendationId: view.id, downloadable: options.signedIn }),
    signInForFiles: options.signedIn ? null : `/sign-in?next=${encodeURIComponent(`/approvals/${view.id}`)}`,
    rejections: earlierRejections(view, nameOf),
    chain:
      chain && chain.steps.length
        ? { caption: extension ? 'Extension approval chain' : 'Approval chain', rows: chainRows(chain, nameOf) }
        : null,
    updates: progressUpdates(view, nameOf),
  };
}

/** Loads what the scrutiny view needs beyond the item itself: its evidence and the names of the people it mentions. */
export async function loadScrutiny(
  deps: { dataSource: DataSource; evidence: { list(id: string): Promise<EvidenceSummary[]> } },
  view: RecommendationView,
  options: { signedIn: boolean },
): Promise<ScrutinyView> {
  const [evidence, nameOf] = await Promise.all([deps.evidence.list(view.id), nameLookup(deps.dataSource, view)]);
  return scrutinyView(view, evidence, nameOf, options);
}

const uuidInText = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** A message for people: the ids of people in it (the lifecycle's refusals name the person by id) become names. */
export async function withNames(dataSource: DataSource, text: string): Promise<string> {
  const ids = [...new Set(text.match(uuidInText) ?? [])];
  if (!ids.length) return text;
  const people = await dataSource.manager.find(Person, { where: { id: In(ids) }, select: { id: true, name: true } });
  const names = new Map(people.map((p) => [p.id, p.name]));
  return text.replace(uuidInText, (id) => names.get(id) ?? id);
}
