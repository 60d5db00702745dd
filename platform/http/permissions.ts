import { roles, type Role } from '../../domain/vocabulary';
import type { Identity } from './identity';
import { ApiProblem } from './problem';

/**
 * The one permission table: who may reach each kind of action. It decides route-level access only (read, log
 * reports, administer, send commands…). Which lifecycle command a person may send on an item, and separation of
 * duties, stay with the lifecycle (`availableCommands` / `commandRefusal` in domain/lifecycle/): the table lets
 * every role that can ever issue a command through, and the lifecycle answers 409 with its reason.
 *
 * A rule allows a person who holds one of `roles`, or who stands in one of `relations` to the thing acted on
 * (the item's owner; the person a delegation or token is for; someone taking part in the item: its owner, lead,
 * approvers and their delegates) while holding one of that relation's roles.
 */

export type Relation = 'owner' | 'self' | 'participant';

export interface PermissionRule {
  description: string;
  roles: readonly Role[];
  relations?: Partial<Record<Relation, readonly Role[]>>;
}

const everyone = roles;
/** Everyone but read-only viewers: the people who can ever issue some lifecycle command. */
const actors: readonly Role[] = roles.filter((r) => r !== 'viewer');
const approvers: readonly Role[] = ['lead', 'dcc', 'finance_director', 'liaison_lead', 'administrator'];

export const permissionTable = {
  'reports.read': { description: 'See source reports and their items', roles: everyone },
  'reports.create': { description: 'Log a source report with its items', roles: ['administrator'] },
  'recommendations.read': { description: 'See recommendations, their history and what one may do with them', roles: everyone },
  'recommendations.command': {
    description: 'Send a lifecycle command to an item; the lifecycle then decides whether this person may issue it now',
    roles: actors,
  },
  'comments.read': { description: "Read an item's comments, with the rejection and refusal reasons among them", roles: everyone },
  'comments.post': {
    description:
      'Comment on an item: the force liaison lead, an administrator, or someone taking part in it (its owner, lead, approvers and their delegates)',
    roles: ['administrator', 'liaison_lead'],
    relations: { participant: actors },
  },
  'evidence.read': { description: 'See and download evidence', roles: everyone },
  'evidence.add': {
    description: 'Add evidence to an item: its owner (unless now read-only), or an administrator',
    roles: ['administrator'],
    relations: { owner: actors },
  },
  'attachments.read': {
    description: 'See and download the files attached to the self-certification letter, the HMICFRS submission and HMICFRS’s responses',
    roles: everyone,
  },
  'attachments.add': {
    description: 'Attach files to the self-certification letter, the HMICFRS submission and HMICFRS’s responses',
    roles: ['administrator', 'dcc', 'liaison_lead'],
  },
  'imports.manage': { description: 'Check and import existing trackers (CSV or Excel)', roles: ['administrator'] },
  'people.read': { description: 'See the people of the force and their roles', roles: everyone },
  'people.manage': {
    description: 'Add people, change their details and roles, deactivate them, and set or reset their passwords',
    roles: ['administrator'],
  },
  'people.preferences': {
    description: 'Choose how routine reminders arrive: oneself, or anyone for an administrator',
    roles: ['administrator'],
    relations: { self: everyone },
  },
  'routingRules.read': { description: 'See the approval routing rules', roles: everyone },
  'routingRules.manage': { description: 'Add or change approval routing rules', roles: ['administrator'] },
  'departments.read': { description: 'See departments', roles: everyone },
  'departments.manage': { description: 'Add departments', roles: ['administrator'] },
  'delegations.read': { description: 'See who approves for whom', roles: everyone },
  'delegations.manage': {
    description: "Set up or cancel a delegation: approvers their own, administrators anyone's",
    roles: ['administrator'],
    relations: { self: approvers },
  },
  'settings.read': { description: "See the force's reminder policy, closure days and committee dates", roles: everyone },
  'settings.manage': { description: "Change the force's reminder policy, closure days and committee dates", roles: ['administrator'] },
  'papers.read': { description: 'Produce committee papers (overview, quarterly update, tracker) as at any date', roles: everyone },
  'papers.coverReport': { description: 'Write the cover report a committee paper opens with', roles: ['administrator'] },
  'papers.layout': { description: "Choose and edit the layout of the force's committee overview", roles: ['administrator'] },
  'approvals.read': { description: 'See the approvals and extension decisions waiting for oneself', roles: everyone },
  'audit.read': { description: 'Read the whole audit trail, including sign-ins and refusals', roles: ['administrator', 'dcc'] },
  'consistency.manage': {
    description: "Check that every open item's workflow agrees with PostgreSQL, and repair the differences",
    roles: ['administrator'],
  },
  'mailbox.open': {
    description: 'Open the development mailbox: the emails caught locally, with their links, when no mail server is configured',
    roles: ['administrator'],
  },
  'apiTokens.manage': {
    description: "Issue, list and revoke API tokens: one's own, or anyone's for an administrator",
    roles: ['administrator'],
    relations: { self: everyone },
  },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof permissionTable;
export const permissionNames = Object.keys(permissionTable) as Permission[];

const rule = (permission: Permission): PermissionRule => permissionTable[permission];

/** The relations the acting person stands in to the thing acted on, as far as a route knows them. */
export type PermissionContext = Partial<Record<Relation, boolean>>;

/** Whether this person may, given what is known of their relation to the thing acted on. */
export function isAllowed(identity: Pick<Identity, 'person'>, permission: Permission, context: PermissionContext = {}): boolean {
  const r = rule(permission);
  const held = identity.person.roles;
  if (r.roles.some((role) => held.includes(role))) return true;
  return Object.entries(r.relations ?? {}).some(
    ([relation, relationRoles]) => context[relation as Relation] === true && relationRoles!.some((role) => held.includes(role)),
  );
}

/** Whether the permission could be granted to this person by some relation (so the route must look at the thing). */
export function mightBeAllowed(identity: Pick<Identity, 'person'>, permission: Permission): boolean {
  const r = rule(permission);
  const held = identity.person.roles;
  return (
    r.roles.some((role) => held.includes(role)) ||
    Object.values(r.relations ?? {}).some((relationRoles) => relationRoles!.some((role) => held.includes(role)))
  );
}

export function refusal(permission: Permission): ApiProblem {
  return new ApiProblem(
    403,
    'Not allowed',
    `You are not allowed to do this: ${rule(permission).description.charAt(0).toLowerCase()}${rule(permission).description.slice(1)} (${permission})`,
  );
}

/** Throws 403 unless allowed. */
export function authorize(identity: Pick<Identity, 'person'>, permission: Permission, context: PermissionContext = {}): void {
  if (!isAllowed(identity, permission, context)) throw refusal(permission);
}

/** Everyone holding one of these roles, for documentation: "administrator, or the item's owner". */
export function describePermission(permission: Permission): string {
  const r = rule(permission);
  const parts = [r.roles.length === roles.length ? 'every role' : r.roles.join(', ')];
  for (const [relation, relationRoles] of Object.entries(r.relations ?? {})) {
    const who =
      relation === 'owner' ? "the item's owner" : relation === 'participant' ? 'someone taking part in the item' : 'the person it is for';
    parts.push(`${who}${relationRoles!.length === roles.length ? '' : ` (if ${relationRoles!.join(', ')})`}`);
  }
  return parts.join('; or ');
}
