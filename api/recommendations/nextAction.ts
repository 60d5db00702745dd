import type { LifecycleCommandType, RecommendationState } from '../../domain/lifecycle';

/** The one thing a person should do next on an item, shown first on its page, and any command that goes with it. */
export interface NextAction {
  primary: LifecycleCommandType;
  /** Shown beside it: the other side of the same decision (reject beside approve, not for the force beside a category). */
  alongside: LifecycleCommandType[];
}

/**
 * The commands that move an item on, most pressing first, each with what goes beside it and the states in which it is
 * the next step rather than a correction (an administrator may set the category at any time; it is the next step
 * only while the item waits for triage). Whether this person may issue it at all is the lifecycle's say: only
 * commands in `available` (domain/lifecycle availableCommands) are chosen.
 */
const nextSteps: { type: LifecycleCommandType; alongside?: LifecycleCommandType[]; when?: (state: RecommendationState) => boolean }[] = [
  { type: 'approve', alongside: ['reject'] },
  { type: 'decideExtension' },
  { type: 'selfCertify' },
  { type: 'submitToHmicfrs' },
  { type: 'recordVerificationVisit' },
  { type: 'recordHmicfrsResponse', when: (s) => s.status !== 'closed' },
  { type: 'accept' },
  { type: 'postUpdate' },
  { type: 'setCategory', alongside: ['markNotForTheForce'], when: (s) => s.status === 'logged' && s.category === null },
  { type: 'assign', when: (s) => s.status === 'logged' },
  { type: 'rerouteApproval', when: (s) => s.status === 'evidence_submitted' },
];

export function nextAction(state: RecommendationState, available: readonly LifecycleCommandType[]): NextAction | null {
  const step = nextSteps.find((s) => available.includes(s.type) && (s.when?.(state) ?? true));
  return step ? { primary: step.type, alongside: (step.alongside ?? []).filter((c) => available.includes(c)) } : null;
}

/** The commands that put evidence in: they sit with the evidence forms, in the item page's evidence tab. */
export const evidenceCommands: readonly LifecycleCommandType[] = ['submitEvidence', 'amendEvidence'];
