import type { ApprovalChain, RecommendationState } from './lifecycle/states';

/**
 * Comments on an item: a thread between its owner, lead and approvers. What a comment may hold, how it names
 * people to tell by email, and who takes part in an item, as pure rules the api applies.
 */

/** The most characters a comment may hold. */
export const COMMENT_MAX_LENGTH = 2000;

/** "@someone@force.police.uk" in a comment: the person with that email is told by email. */
const mention = /(?<![\w.@])@([a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi;

/** The email addresses a comment mentions, lower-cased, each once, in the order written. */
export function mentionedEmails(text: string): string[] {
  return [...new Set([...text.matchAll(mention)].map((m) => m[1]!.toLowerCase()))];
}

const chainPeople = (chain: ApprovalChain | null | undefined): (string | null)[] =>
  (chain?.steps ?? []).flatMap((step) => [step.approverId, step.onBehalfOf, step.approval?.by ?? null, step.approval?.onBehalfOf ?? null]);

/**
 * The people the item itself names as taking part: its owner and lead, and everyone asked to approve its closure or
 * its extension (and those they stand in for). Delegates of these, the force liaison lead and administrators take
 * part too; the api adds them, as they are not in the item's state.
 */
export function itemParticipantIds(
  state: Pick<RecommendationState, 'ownerId' | 'leadId' | 'approval' | 'pendingExtension'>,
  earlierApprovers: readonly string[] = [],
): string[] {
  const ids = [
    state.ownerId,
    state.leadId,
    ...chainPeople(state.approval),
    ...chainPeople(state.pendingExtension?.chain),
    ...earlierApprovers,
  ];
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id.length > 0))];
}
