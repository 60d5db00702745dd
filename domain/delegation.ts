import type { IsoDate } from './vocabulary';

/**
 * Who stands in for whom on a date (docs/lifecycle.md, "Approval routing"): the one rule the routing, the
 * permission to decide a step, the approvals list and escalation emails all apply.
 */

/** While a delegation is active (startsOn ≤ today ≤ endsOn, inclusive), `toId` acts for `fromId`. A cancelled delegation is deleted, so never seen. */
export interface Delegation {
  fromId: string;
  toId: string;
  startsOn: IsoDate;
  endsOn: IsoDate;
}

/** Whether the delegation is in force on `today`: from its first to its last day inclusive, and never to oneself. */
export function isDelegationActive(delegation: Delegation, today: IsoDate): boolean {
  return delegation.startsOn <= today && today <= delegation.endsOn && delegation.fromId !== delegation.toId;
}

/** The delegation in force for this person today, if any; when several overlap, the one that started last wins. */
export function activeDelegation(personId: string, delegations: readonly Delegation[], today: IsoDate): Delegation | null {
  let chosen: Delegation | null = null;
  for (const delegation of delegations) {
    if (delegation.fromId !== personId || !isDelegationActive(delegation, today)) continue;
    if (
      chosen === null ||
      delegation.startsOn > chosen.startsOn ||
      (delegation.startsOn === chosen.startsOn && delegation.toId < chosen.toId)
    ) {
      chosen = delegation;
    }
  }
  return chosen;
}

/** Whom the person stands in for today: everyone with an active delegation to them, overlapping ones included. */
export function standsInFor(personId: string, delegations: readonly Delegation[], today: IsoDate): string[] {
  return [...new Set(delegations.filter((d) => d.toId === personId && isDelegationActive(d, today)).map((d) => d.fromId))];
}

/** Who acts for the person today through one delegation (not a chain), or the person themself. */
export function standIn(personId: string, delegations: readonly Delegation[], today: IsoDate): string {
  return activeDelegation(personId, delegations, today)?.toId ?? personId;
}
