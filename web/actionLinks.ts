import type { RecommendationView } from '../api/recommendations/service';
import type { ActionLinkAction } from '../entities/ActionLink';
import type { ScrutinyView } from './scrutiny';
import { itemName } from './scrutiny';
import { renderView } from './views';

/** Pages of email action links: what will happen, what happened, and why a link does not work. */

export const actionWords: Record<ActionLinkAction, { verb: string; button: string; done: string }> = {
  approve: { verb: 'approve the evidence for closure of', button: 'Approve', done: 'You approved' },
  reject: { verb: 'reject the evidence for closure of', button: 'Reject the evidence', done: 'You rejected the evidence for' },
  approveExtension: { verb: 'approve the requested extension of', button: 'Approve the extension', done: 'You approved the extension of' },
  refuseExtension: { verb: 'refuse the requested extension of', button: 'Refuse the extension', done: 'You refused the extension of' },
};

/** The link's landing page: the scrutiny content the approval page shows (web/scrutiny.ts), then this link's one action. */
export function confirmPage(options: {
  serviceName: string;
  personName: string;
  action: ActionLinkAction;
  item: ScrutinyView;
  formToken: string;
  expiresAt: Date;
  error?: string;
  values?: { comment?: string; reasons?: string };
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
  });
}

export function donePage(options: { serviceName: string; action: ActionLinkAction; view: RecommendationView }): string {
  return renderView('actionLinkDone.njk', {
    title: 'Done',
    serviceName: options.serviceName,
    done: `${actionWords[options.action].done} ${itemName(options.view)}`,
    reportTitle: options.view.report.title,
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
