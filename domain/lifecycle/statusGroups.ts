import type { LifecycleStatus } from './states';

/**
 * The lifecycle's statuses in the groups people think in: not started, under way, with the approvers, with HMICFRS,
 * reopened, closed. The list filters on these groups and every status tag takes its group's colour
 * (platform/web/statusTags.ts), so a filter and the tags it shows always agree.
 */
export const statusGroups = ['not_started', 'under_way', 'with_approvers', 'with_hmicfrs', 'reopened', 'closed'] as const;
export type StatusGroup = (typeof statusGroups)[number];

export const statusGroupLabels: Record<StatusGroup, string> = {
  not_started: 'Not started',
  under_way: 'Under way',
  with_approvers: 'With the approvers',
  with_hmicfrs: 'With HMICFRS',
  reopened: 'Reopened',
  closed: 'Closed',
};

export const statusGroupOf: Record<LifecycleStatus, StatusGroup> = {
  logged: 'not_started',
  not_for_the_force: 'not_started',
  assigned: 'not_started',
  in_progress: 'under_way',
  reopened: 'reopened',
  evidence_submitted: 'with_approvers',
  awaiting_approval: 'with_approvers',
  awaiting_self_certification: 'with_approvers',
  self_certified: 'with_hmicfrs',
  awaiting_hmicfrs_sign_off: 'with_hmicfrs',
  reality_test_at_next_inspection: 'with_hmicfrs',
  awaiting_verification_visit: 'with_hmicfrs',
  verification_visit_held: 'with_hmicfrs',
  closed: 'closed',
};

/** The statuses of some groups. */
export const statusesIn = (groups: readonly StatusGroup[]): LifecycleStatus[] =>
  (Object.keys(statusGroupOf) as LifecycleStatus[]).filter((status) => groups.includes(statusGroupOf[status]));
