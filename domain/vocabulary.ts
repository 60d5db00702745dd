/** The words of the domain (docs/lifecycle.md), as closed sets shared by workflows, api, entities and reports. */

export const sourceKinds = ['inspection', 'joint_inspection', 'super_complaint', 'internal_audit', 'external_audit'] as const;
export type SourceKind = (typeof sourceKinds)[number];

export const sourceKindLabels: Record<SourceKind, string> = {
  inspection: 'Inspection',
  joint_inspection: 'Joint thematic inspection',
  super_complaint: 'Super-complaint',
  internal_audit: 'Internal audit',
  external_audit: 'External audit',
};

/** National reports carry recommendations for many bodies; force-specific ones are about this force alone. */
export const sourceScopes = ['national', 'force'] as const;
export type SourceScope = (typeof sourceScopes)[number];

export const itemKinds = ['recommendation', 'area_for_improvement', 'cause_of_concern', 'action', 'area_for_attention'] as const;
export type ItemKind = (typeof itemKinds)[number];

export const itemKindLabels: Record<ItemKind, string> = {
  recommendation: 'Recommendation',
  area_for_improvement: 'Area for improvement',
  cause_of_concern: 'Cause of concern',
  action: 'Action',
  area_for_attention: 'Area for attention',
};

/**
 * How an item is named: its kind, then its reference ("Recommendation 3"), unless the reference already begins with
 * that word ("Action 1" of kind action), which would read "Action Action 1". `kindWord` lets a sentence lower-case it.
 */
export function itemLabel(kind: string, reference: string, kindWord: string = itemKindLabels[kind as ItemKind] ?? kind): string {
  const startsWithKind =
    reference.toLowerCase().startsWith(`${kindWord.toLowerCase()} `) || reference.toLowerCase() === kindWord.toLowerCase();
  return startsWithKind ? reference : `${kindWord} ${reference}`;
}

/** HMICFRS closure categories: how an item is closed once the work is done. */
export const closureCategories = [1, 2, 3, 4] as const;
export type ClosureCategory = (typeof closureCategories)[number];

export const closureCategoryLabels: Record<ClosureCategory, string> = {
  1: 'Category 1: no action required',
  2: 'Category 2: self-certified by the force',
  3: 'Category 3: self-certified, HMICFRS follows up',
  4: 'Category 4: HMICFRS verifies',
};

export const roles = ['administrator', 'action_owner', 'lead', 'dcc', 'finance_director', 'liaison_lead', 'viewer'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  administrator: 'Corporate development (administrator)',
  action_owner: 'Action owner',
  lead: 'Lead / manager responsible',
  dcc: 'Deputy Chief Constable',
  finance_director: 'Finance director',
  liaison_lead: 'Force liaison lead',
  viewer: 'Committee member / auditor (read only)',
};

/** Calendar dates are ISO strings (YYYY-MM-DD): they survive JSON in Temporal payloads unchanged. */
export type IsoDate = string;

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** One canonical status per item for committee lists (domain/rag.ts maps it to each force's scheme). */
export const ragStatuses = ['closed', 'proposed_for_closure', 'off_target', 'at_risk', 'on_target', 'not_for_the_force'] as const;
export type RagStatus = (typeof ragStatuses)[number];
