import { lifecycleStatuses, statusGroupOf, type LifecycleStatus, type StatusGroup } from '../../domain/lifecycle';
import { escapeHtml } from './html';

/**
 * The one colour of each group of statuses (domain/lifecycle/statusGroups.ts), for every list and page: grey not
 * started, blue (GOV.UK's default tag) under way, yellow with the approvers, purple with HMICFRS, orange reopened,
 * green closed. Overdue and at risk are tags of their own beside it (red and yellow), from today's figures.
 */
export const statusGroupTagModifiers: Record<StatusGroup, string> = {
  not_started: 'govuk-tag--grey',
  under_way: '',
  with_approvers: 'govuk-tag--yellow',
  with_hmicfrs: 'govuk-tag--purple',
  reopened: 'govuk-tag--orange',
  closed: 'govuk-tag--green',
};

export const statusTagModifiers = Object.fromEntries(
  lifecycleStatuses.map((status) => [status, statusGroupTagModifiers[statusGroupOf[status]]]),
) as Record<LifecycleStatus, string>;

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
