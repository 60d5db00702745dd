import type { LifecycleStatus } from '../../domain/lifecycle';
import { escapeHtml } from './html';

/**
 * The one colour of each lifecycle status, by group, for every list and page: grey not started, blue (GOV.UK's
 * default tag) under way, yellow with the approvers, purple with HMICFRS, orange sent back, green closed. Overdue and
 * at risk are tags of their own beside it (red and yellow), from today's figures.
 */
export const statusTagModifiers: Record<LifecycleStatus, string> = {
  logged: 'govuk-tag--grey',
  not_for_the_force: 'govuk-tag--grey',
  assigned: 'govuk-tag--grey',
  in_progress: '',
  reopened: 'govuk-tag--orange',
  evidence_submitted: 'govuk-tag--yellow',
  awaiting_approval: 'govuk-tag--yellow',
  awaiting_self_certification: 'govuk-tag--yellow',
  self_certified: 'govuk-tag--purple',
  awaiting_hmicfrs_sign_off: 'govuk-tag--purple',
  reality_test_at_next_inspection: 'govuk-tag--purple',
  awaiting_verification_visit: 'govuk-tag--purple',
  verification_visit_held: 'govuk-tag--purple',
  closed: 'govuk-tag--green',
};

/** The classes of a status's tag: `govuk-tag` and its colour. */
export const statusTagClasses = (status: LifecycleStatus): string => `govuk-tag ${statusTagModifiers[status] ?? ''}`.trim();

/** A status as a tag, with Overdue (red) and At risk (yellow) beside it when today's figures say so. */
export function statusTagHtml(r: { status: LifecycleStatus; statusLabel: string; overdue?: boolean; atRisk?: boolean }): string {
  return [
    `<strong class="${statusTagClasses(r.status)}">${escapeHtml(r.statusLabel)}</strong>`,
    r.overdue ? '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' : '',
    r.atRisk ? '<strong class="govuk-tag govuk-tag--yellow">At risk</strong>' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
