import { formatLongDate } from '../domain/calendar';
import { itemKindLabels, type ItemKind } from '../domain/vocabulary';
import type { RecommendationView } from '../api/recommendations/service';
import type { ActionLinkAction } from '../entities/ActionLink';
import { describeStep } from '../domain/approvalRouting';
import { html, page, type SafeHtml } from './html';

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
  const state = view.state;
  const extension = state.pendingExtension;
  const needsReasons = action === 'reject';
  const fieldName = needsReasons ? 'reasons' : 'comment';
  const row = (key: string, value: SafeHtml | string) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`;
  const chain = extension?.chain ?? state.approval;
  const earlier = (chain?.steps ?? []).filter((st) => st.approval);
  const body = html`<span class="govuk-caption-l">${view.report.originator}: ${view.report.title}</span>
<h1 class="govuk-heading-l">${words.button}: ${itemName(view)}?</h1>
<p class="govuk-body">You are signed in by this email link as <strong>${options.personName}</strong>, for this one action only. Nothing has happened yet: it happens when you press the button below.</p>
<dl class="govuk-summary-list">
${row('Item', `${itemName(view)}: ${state.text ?? view.text}`)}
${row('Status', view.statusLabel)}
${row('Owner', view.owner?.name ?? 'Not assigned')}
${row('Due', view.dueDate ? formatLongDate(view.dueDate) : 'No due date')}
${state.evidence ? row("Owner's summary of the evidence", html`${state.evidence.summary}<br><span class="govuk-hint">Submitted ${formatLongDate(state.evidence.submittedOn)} (version ${state.evidence.version}). <a class="govuk-link" href="/sign-in?next=/recommendations/${view.id}">Sign in to open the evidence files</a></span>`) : ''}
${state.latestUpdate ? row('Latest progress update', `${state.latestUpdate.text} (${formatLongDate(state.latestUpdate.on)})`) : ''}
${state.lastRejection ? row('Earlier rejection', `${formatLongDate(state.lastRejection.on)}${state.lastRejection.source === 'hmicfrs' ? ' by HMICFRS' : ''}: ${state.lastRejection.reasons}`) : ''}
${earlier.map((st) => row(`Approved by ${describeStep(st.step)}`, `${formatLongDate(st.approval!.on)}${st.approval!.comment ? `: ${st.approval!.comment}` : ''}`))}
${extension ? row('Extension asked for', `to ${formatLongDate(extension.requestedDueDate)}: ${extension.reason}`) : ''}
${row('This link works until', options.expiresAt.toUTCString())}
</dl>
<form method="post" novalidate>
<input type="hidden" name="_csrf" value="${options.formToken}">
<div class="govuk-form-group${options.error ? ' govuk-form-group--error' : ''}">
<label class="govuk-label govuk-label--s" for="${fieldName}">${needsReasons ? 'Why the evidence is not enough (the owner will see this)' : 'Comment (optional)'}</label>
${options.error ? html`<p id="${fieldName}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${options.error}</p>` : ''}
<textarea class="govuk-textarea${options.error ? ' govuk-textarea--error' : ''}" id="${fieldName}" name="${fieldName}" rows="${needsReasons ? 5 : 3}" maxlength="5000"${options.error ? html` aria-describedby="${fieldName}-error"` : ''}>${(needsReasons ? options.values?.reasons : options.values?.comment) ?? ''}</textarea>
</div>
<button type="submit" class="govuk-button${action === 'reject' || action === 'refuseExtension' ? ' govuk-button--warning' : ''}">${words.button}</button>
</form>
<p class="govuk-body">To do anything else, <a class="govuk-link" href="/sign-in?next=/recommendations/${view.id}">sign in</a>.</p>`;
  return page({ title: `${words.button}: ${itemName(view)}`, serviceName: options.serviceName, body, errors: options.error ? [{ field: fieldName, message: options.error }] : undefined });
}

export function donePage(options: { serviceName: string; action: ActionLinkAction; view: RecommendationView }): string {
  const body = html`<div class="govuk-panel govuk-panel--confirmation"><h1 class="govuk-panel__title">Done</h1>
<div class="govuk-panel__body">${actionWords[options.action].done} ${itemName(options.view)}</div></div>
<p class="govuk-body">${options.view.report.title}. It is now: <strong class="govuk-tag">${options.view.statusLabel}</strong></p>
<p class="govuk-body">This email link has now been used and will not work again. <a class="govuk-link" href="/sign-in?next=/recommendations/${options.view.id}">Sign in</a> to see the item.</p>`;
  return page({ title: 'Done', serviceName: options.serviceName, body });
}

export function linkProblemPage(options: { serviceName: string; title: string; explanation: string }): string {
  const body = html`<h1 class="govuk-heading-l">${options.title}</h1>
<p class="govuk-body">${options.explanation}</p>
<p class="govuk-body">Nothing has been changed. <a class="govuk-link" href="/sign-in">Sign in</a> to see what is waiting for you.</p>`;
  return page({ title: options.title, serviceName: options.serviceName, body });
}
