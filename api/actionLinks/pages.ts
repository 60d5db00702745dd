import type { RecommendationView } from '../recommendations/service';
import type { ActionLinkAction } from '../../entities/ActionLink';
import type { ScrutinyView } from '../recommendations/scrutiny';
import { itemName } from '../recommendations/scrutiny';
import { renderView } from '../../platform/web/views';

/** Pages of email action links: what will happen, what happened, and why a link does not work. */

export const actionWords: Record<ActionLinkAction, { verb: string; button: string; done: string }> = {
  approve: { verb: 'approve the evidence for closure of', button: 'Approve', done: 'You approved' },
  reject: { verb: 'reject the evidence for closure of', button: 'Reject the evidence', done: 'You rejected the evidence for' },
  approveExtension: { verb: 'approve the requested extension of', button: 'Approve the extension', done: 'You approved the extension of' },
  refuseExtension: { verb: 'refuse the requested extension of', button: 'Refuse the extension', done: 'You refused the extension of' },
};

/**
 * The browser is signed in as someone other than the link's person: who the decision will be recorded as, and from
 * whose session. `acknowledge` is what the confirm form carries (and the POST checks) once they choose to continue.
 */
export interface OtherSession {
  /** The signed-in person's name. */
  name: string;
  /** The value the confirm form's hidden `acknowledge` field carries: the signed-in person's id. */
  acknowledge: string;
}

export const otherSessionWarning = (signedInName: string, linkPersonName: string) =>
  `You are signed in as ${signedInName}. This link was sent to ${linkPersonName}. If you continue, the decision is recorded as ${linkPersonName}'s, made from ${signedInName}'s session.`;

/** Shown first (and instead of acting, on a POST without the acknowledgement) when someone else is signed in. */
export function otherSessionPage(options: {
  serviceName: string;
  linkPersonName: string;
  signedIn: OtherSession;
  sessionCsrfToken: string;
  action: ActionLinkAction;
  view: RecommendationView;
}): string {
  const { view } = options;
  return renderView('actionLinkWarning.njk', {
    title: 'You are signed in as someone else',
    serviceName: options.serviceName,
    itemCaption: `${view.report.originator}: ${view.report.title}`,
    itemName: itemName(view),
    itemId: view.id,
    verb: actionWords[options.action].verb,
    linkPersonName: options.linkPersonName,
    signedInName: options.signedIn.name,
    warningText: otherSessionWarning(options.signedIn.name, options.linkPersonName),
    acknowledge: options.signedIn.acknowledge,
    sessionCsrfToken: options.sessionCsrfToken,
  });
}

/** The link's landing page: the scrutiny content the approval page shows (api/recommendations/scrutiny.ts), then this link's one action. */
export function confirmPage(options: {
  serviceName: string;
  personName: string;
  action: ActionLinkAction;
  item: ScrutinyView;
  formToken: string;
  expiresAt: Date;
  error?: string;
  values?: { comment?: string; reasons?: string };
  /** Someone else is signed in and chose to continue: the page repeats the warning and the form carries the acknowledgement. */
  otherSession?: OtherSession;
}): string {
  const { action, item } = options;
  const words = actionWords[action];
  const needsReasons = action === 'reject';
  const fieldName = needsReasons ? 'reasons' : 'comment';
  return renderView('actionLink.njk', {
    title: `${words.button}: ${item.name}`,
    serviceName: options.serviceName,
    item,
    personName: options.personName,
    button: words.button,
    warning: action === 'reject' || action === 'refuseExtension',
    expiresAt: options.expiresAt.toUTCString(),
    formToken: options.formToken,
    fieldName,
    needsReasons,
    label: needsReasons ? 'Why the evidence is not enough (the owner will see this)' : 'Comment (optional)',
    value: (needsReasons ? options.values?.reasons : options.values?.comment) ?? '',
    error: options.error,
    errors: options.error ? [{ field: fieldName, message: options.error }] : undefined,
    otherSession: options.otherSession
      ? { warningText: otherSessionWarning(options.otherSession.name, options.personName), acknowledge: options.otherSession.acknowledge }
      : undefined,
  });
}

export function donePage(options: { serviceName: string; action: ActionLinkAction; view: RecommendationView }): string {
  return renderView('actionLinkDone.njk', {
    title: 'Done',
    serviceName: options.serviceName,
    done: `${actionWords[options.action].done} ${itemName(options.view)}`,
    reportTitle: options.view.report.title,
    status: options.view.status,
    statusLabel: options.view.statusLabel,
    afterwards: 'This email link has now been used and will not work again.',
    id: options.view.id,
  });
}

export function linkProblemPage(options: { serviceName: string; title: string; explanation: string }): string {
  return renderView('message.njk', {
    title: options.title,
    serviceName: options.serviceName,
    paragraphs: [options.explanation],
    link: { before: 'Nothing has been changed. ', href: '/sign-in', text: 'Sign in', after: ' to see what is waiting for you.' },
  });
}
