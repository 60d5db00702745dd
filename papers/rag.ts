import type { Closure, LifecycleStatus } from '../domain/lifecycleStates';
import { selfCertifiedStatuses } from '../domain/lifecycleStates';
import type { IsoDate } from '../domain/vocabulary';
import { addMonths } from './dates';

/**
 * Status colours for the papers (../shared/DOMAIN.md, "Status colours (RAG) differ by force"): one canonical
 * position per item as at a date, mapped to the force's scheme. Kept inside papers/ for now; a shared
 * domain/rag.ts is being written alongside, and the two are to be unified.
 *
 * Canonical positions, judged as at date D (and the previous paper's date P, for "newly" closed):
 *  - not_for_the_force: addressed to someone else (tracked for awareness), or marked not for the force;
 *  - withdrawn: closed as superseded or no longer relevant;
 *  - closed: closed any other way (self-certified, signed off by HMICFRS, no action required, business as usual);
 *  - awaiting_sign_off: self-certified, with HMICFRS (sign-off, reality test or verification visit awaited);
 *  - proposed_for_closure: evidence submitted and going through the force's approval chain;
 *  - off_target: work not yet evidenced and the due date has passed;
 *  - at_risk: work not yet evidenced, due within three months of D, or flagged at risk by the owner;
 *  - on_target: any other work not yet evidenced (including items logged and not yet assigned).
 */
export const ragPositions = [
  'not_for_the_force',
  'withdrawn',
  'closed',
  'awaiting_sign_off',
  'proposed_for_closure',
  'off_target',
  'at_risk',
  'on_target',
] as const;
export type RagPosition = (typeof ragPositions)[number];

export const schemes = ['A', 'B'] as const;
export type Scheme = (typeof schemes)[number];

export interface RagInput {
  forTheForce: boolean;
  status: LifecycleStatus;
  closure: Pick<Closure, 'how' | 'afterDueDate'> | null;
  dueDate: IsoDate | null;
  atRisk: boolean;
}

const approvalStatuses: readonly LifecycleStatus[] = ['evidence_submitted', 'awaiting_approval', 'awaiting_self_certification'];

let horizonFor: { asAt: IsoDate; horizon: IsoDate } | null = null;

/** Three calendar months after `asAt` (remembered: a paper asks for the same date many thousand times). */
function atRiskHorizon(asAt: IsoDate): IsoDate {
  if (horizonFor?.asAt !== asAt) horizonFor = { asAt, horizon: addMonths(asAt, 3) };
  return horizonFor.horizon;
}

/** Where an item stands as at `asAt`. "At risk" looks three calendar months ahead, as DOMAIN.md says. */
export function ragPosition(item: RagInput, asAt: IsoDate): RagPosition {
  if (!item.forTheForce || item.status === 'not_for_the_force') return 'not_for_the_force';
  if (item.status === 'closed') {
    const how = item.closure?.how;
    return how === 'superseded' || how === 'no_longer_relevant' ? 'withdrawn' : 'closed';
  }
  if (selfCertifiedStatuses.includes(item.status)) return 'awaiting_sign_off';
  if (approvalStatuses.includes(item.status)) return 'proposed_for_closure';
  if (item.dueDate !== null && item.dueDate < asAt) return 'off_target';
  if (item.atRisk || (item.dueDate !== null && item.dueDate <= atRiskHorizon(asAt))) return 'at_risk';
  return 'on_target';
}

export interface Colour {
  /** What the paper prints: "AMBER", "At risk". */
  label: string;
  /** Cell fill, as six hex digits. */
  fill: string;
  /** Text colour on that fill. */
  ink: string;
}

const colour = (label: string, fill: string, ink = '000000'): Colour => ({ label, fill, ink });

/** Scheme A (City of London style, seeds 002 and 003). */
export const schemeAColours = {
  GREEN: colour('GREEN', '00B050'),
  NEW_GREEN: colour('NEW GREEN', '92D050'),
  AMBER: colour('AMBER', 'FFC000'),
  RED: colour('RED', 'FF0000', 'FFFFFF'),
  WHITE: colour('WHITE', 'FFFFFF'),
  PURPLE: colour('PURPLE', '7030A0', 'FFFFFF'),
} as const;

/** Scheme B (Nottinghamshire style, seed 004). */
export const schemeBColours = {
  on_target: colour('On target', '00B050'),
  at_risk: colour('At risk', 'FFC000'),
  off_target: colour('Off target', 'FF0000', 'FFFFFF'),
  proposed_for_closure: colour('Proposed for closure', '9DC3E6'),
  closed: colour('Closed', 'BFBFBF'),
  not_for_the_force: colour('Not for the force', 'FFFFFF'),
} as const;

export interface RagContext {
  /** The item closed after the date of the previous paper ("NEW GREEN" in scheme A). */
  closedSincePrevious: boolean;
}

/** The colour an item shows in the force's scheme. */
export function schemeColour(scheme: Scheme, position: RagPosition, item: Pick<RagInput, 'closure'>, context: RagContext): Colour {
  if (scheme === 'A') {
    switch (position) {
      case 'not_for_the_force':
      case 'withdrawn':
        return schemeAColours.WHITE;
      case 'closed':
        if (item.closure?.afterDueDate) return schemeAColours.PURPLE;
        return context.closedSincePrevious ? schemeAColours.NEW_GREEN : schemeAColours.GREEN;
      case 'awaiting_sign_off':
        return schemeAColours.GREEN;
      case 'off_target':
        return schemeAColours.RED;
      case 'proposed_for_closure':
      case 'at_risk':
      case 'on_target':
        return schemeAColours.AMBER;
    }
  }
  switch (position) {
    case 'not_for_the_force':
      return schemeBColours.not_for_the_force;
    case 'withdrawn':
    case 'closed':
      return schemeBColours.closed;
    case 'awaiting_sign_off':
    case 'proposed_for_closure':
      return schemeBColours.proposed_for_closure;
    case 'off_target':
      return schemeBColours.off_target;
    case 'at_risk':
      return schemeBColours.at_risk;
    case 'on_target':
      return schemeBColours.on_target;
  }
}

/** The key printed under a tracker: each colour of the scheme and what it means. */
export function schemeKey(scheme: Scheme): { colour: Colour; meaning: string }[] {
  if (scheme === 'A') {
    return [
      { colour: schemeAColours.GREEN, meaning: 'The recommendation is implemented' },
      { colour: schemeAColours.NEW_GREEN, meaning: 'The recommendation has been implemented since the last report' },
      { colour: schemeAColours.AMBER, meaning: 'The recommendation is subject to ongoing work and monitoring' },
      { colour: schemeAColours.RED, meaning: 'The recommendation is beyond its deadline, or cannot or will not be implemented' },
      { colour: schemeAColours.PURPLE, meaning: 'The recommendation is implemented, but after the agreed deadline' },
      { colour: schemeAColours.WHITE, meaning: "The recommendation is not the force's responsibility, or is no longer relevant" },
    ];
  }
  return [
    { colour: schemeBColours.on_target, meaning: 'On target to deliver by the target date' },
    { colour: schemeBColours.at_risk, meaning: 'Due within the next three months and not yet evidenced, or flagged at risk by the owner' },
    { colour: schemeBColours.off_target, meaning: 'Past the target date and not closed' },
    { colour: schemeBColours.proposed_for_closure, meaning: 'Evidence submitted; closure proposed and awaiting approval or HMICFRS sign-off' },
    { colour: schemeBColours.closed, meaning: 'Closed' },
    { colour: schemeBColours.not_for_the_force, meaning: 'Not for the force: tracked for awareness only' },
  ];
}
