import { formatLongDate } from '../domain/calendar';
import { itemKindLabels, type ItemKind } from '../domain/vocabulary';
import type { RecommendationView } from '../api/recommendations/service';
import type { ActionLinkAction } from '../entities/ActionLink';
import { html, page } from './html';

/** Pages of email action links: what will happen, what happened, and why a link does not work. */

export const actionWords: Record<ActionLinkAction, { verb: string; button: string; done: string }> = {
  approve: { verb: 'approve the evidence for closure of', button: 'Approve', done: 'You approved' },
  reject: { verb: 'reject the evidence for closure of', button: 'Reject the evidence', done: 'You rejected the evidence for' },
  approveExtension: { verb: 'approve the requested extension of', button: 'Approve the extension', done: 'You approved the extension of' },
  refuseExtension: { verb: 'refuse the requested extension of', button: 'Refuse the extension', done: 'You refused the extension of' },
};

const itemName = (view: RecommendationView) => `${itemKindLabels[view.kind as ItemKind] ?? view.kind} ${view.reference}`;

export function confirmPage(options: {
  serviceName: string;
  personName: string;
  action: ActionLinkAction;
  view: RecommendationView;
  formToken: string;
  expiresAt: Date;
  error?: string;
  values?: { comment?: string; reasons?: string };
}): string {
  const { view, action } = options;
  const words = actionWords[action];
  const extension = view.state.pendingExtension;
  const needsReasons = action === 'reject';
  const body = html`<p class="hint">${view.report.originator}: ${view.report.title}</p>
<h1>${words.button}: ${itemName(view)}?</h1>
<p>You are signed in by this email link as <strong>${options.personName}</strong>, for this one action only. Nothing has happened yet: it happens when you press the button below.</p>
${options.error ? html`<p role="alert"><strong>There is a problem:</strong> ${options.error}</p>` : ''}
<dl>
<dt>Item</dt><dd>${itemName(view)}: ${view.text}</dd>
<dt>Status</dt><dd>${view.statusLabel}</dd>
<dt>Owner</dt><dd>${view.owner?.name ?? 'Not assigned'}</dd>
${view.state.evidence ? html`<dt>Evidence</dt><dd>${view.state.evidence.summary}</dd>` : ''}
${extension ? html`<dt>Extension asked for</dt><dd>to ${formatLongDate(extension.requestedDueDate)}: ${extension.reason}</dd>` : ''}
<dt>This link works until</dt><dd>${options.expiresAt.toUTCString()}</dd>
</dl>
<form method="post">
<input type="hidden" name="_csrf" value="${options.formToken}">
${
  needsReasons
    ? html`<p><label for="reasons">Why the evidence is not enough (the owner will see this)</label><br><textarea id="reasons" name="reasons" rows="5" cols="60" maxlength="5000" required>${options.values?.reasons ?? ''}</textarea></p>`
    : html`<p><label for="comment">Comment (optional)</label><br><textarea id="comment" name="comment" rows="3" cols="60" maxlength="5000">${options.values?.comment ?? ''}</textarea></p>`
}
<p><button type="submit">${words.button}</button></p>
</form>
<p class="hint">To do anything else, <a href="/sign-in?next=/recommendations/${view.id}">sign in</a>.</p>`;
  return page({ title: `${words.button}: ${itemName(view)}`, serviceName: options.serviceName, body });
}

export function donePage(options: { serviceName: string; action: ActionLinkAction; view: RecommendationView }): string {
  const body = html`<h1>Done</h1>
<p>${actionWords[options.action].done} ${itemName(options.view)} (${options.view.report.title}).</p>
<p>It is now: <span class="tag">${options.view.statusLabel}</span></p>
<p>This email link has now been used and will not work again. <a href="/sign-in?next=/recommendations/${options.view.id}">Sign in</a> to see the item.</p>`;
  return page({ title: 'Done', serviceName: options.serviceName, body });
}

export function linkProblemPage(options: { serviceName: string; title: string; explanation: string }): string {
  const body = html`<h1>${options.title}</h1>
<p>${options.explanation}</p>
<p>Nothing has been changed. <a href="/sign-in">Sign in</a> to see what is waiting for you.</p>`;
  return page({ title: options.title, serviceName: options.serviceName, body });
}
