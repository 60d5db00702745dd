import { randomUUID } from 'node:crypto';
import { hmicfrsOutcomes, partStatuses, type LifecycleCommandType } from '../domain/lifecycle';
import { closureCategoryLabels, type ClosureCategory } from '../domain/vocabulary';
import type { FormError } from './html';

/** How one field of a lifecycle command is asked for on a page. */
export type FieldSpec =
  | { name: string; label: string; kind: 'text' | 'textarea' | 'date'; optional?: boolean; hint?: string }
  | { name: string; label: string; kind: 'person'; role: string; optional?: boolean }
  | { name: string; label: string; kind: 'choice'; options: { value: string; text: string }[]; optional?: boolean; number?: boolean; boolean?: boolean };

export interface CommandSpec {
  title: string;
  button: string;
  fields: FieldSpec[];
  warning?: boolean;
}

const reasonField = (label = 'Reason'): FieldSpec => ({ name: 'reason', label, kind: 'textarea' });
const dateHint = 'For example, 31 3 2027';

/** Every lifecycle command a person may send from a page, with the words people see. */
export const commandSpecs: Record<LifecycleCommandType, CommandSpec> = {
  accept: { title: 'Accept this task', button: 'Accept', fields: [] },
  postUpdate: { title: 'Post a progress update', button: 'Post update', fields: [{ name: 'text', label: 'Progress update', kind: 'textarea' }] },
  flagAtRisk: { title: 'Flag at risk', button: 'Flag at risk', fields: [reasonField('Why the due date is at risk')] },
  clearAtRisk: { title: 'Clear the at-risk flag', button: 'Clear at-risk flag', fields: [{ name: 'reason', label: 'Reason (optional)', kind: 'textarea', optional: true }] },
  requestExtension: {
    title: 'Request an extension',
    button: 'Request extension',
    fields: [
      { name: 'newDueDate', label: 'New due date', kind: 'date', hint: dateHint },
      reasonField('Why more time is needed'),
    ],
  },
  decideExtension: {
    title: 'Decide the extension',
    button: 'Record decision',
    fields: [
      { name: 'approved', label: 'Do you approve the new due date?', kind: 'choice', boolean: true, options: [{ value: 'true', text: 'Yes, approve it' }, { value: 'false', text: 'No, refuse it' }] },
      { name: 'reason', label: 'Comment (optional)', kind: 'textarea', optional: true },
    ],
  },
  submitEvidence: { title: 'Submit evidence', button: 'Submit evidence', fields: [{ name: 'summary', label: 'Summary of the evidence that the work is done', kind: 'textarea' }] },
  amendEvidence: { title: 'Change the evidence', button: 'Change evidence', fields: [{ name: 'summary', label: 'Summary of the evidence', kind: 'textarea' }] },
  approve: { title: 'Approve the evidence', button: 'Approve', fields: [{ name: 'comment', label: 'Comment (optional)', kind: 'textarea', optional: true }] },
  reject: { title: 'Reject the evidence', button: 'Reject', warning: true, fields: [{ name: 'reasons', label: 'Why the evidence is not enough (the owner will see this)', kind: 'textarea' }] },
  rerouteApproval: { title: 'Re-route the approval', button: 'Re-route approval', fields: [] },
  selfCertify: {
    title: 'Record the self-certification letter',
    button: 'Record letter',
    fields: [
      { name: 'signatory', label: 'Who signed the letter', kind: 'text' },
      { name: 'signatoryRole', label: 'Their role (optional)', kind: 'text', optional: true },
      { name: 'letterReference', label: 'Letter reference (optional)', kind: 'text', optional: true },
      { name: 'signedOn', label: 'Signed on (optional)', kind: 'date', optional: true, hint: dateHint },
    ],
  },
  submitToHmicfrs: { title: 'Record submission to HMICFRS', button: 'Record submission', fields: [{ name: 'reference', label: 'Submission reference (optional)', kind: 'text', optional: true }] },
  recordVerificationVisit: {
    title: 'Record the HMICFRS verification visit',
    button: 'Record visit',
    fields: [
      { name: 'visitedOn', label: 'Date of the visit', kind: 'date', hint: dateHint },
      { name: 'notes', label: 'Notes (optional)', kind: 'textarea', optional: true },
    ],
  },
  recordHmicfrsResponse: {
    title: "Record HMICFRS's response",
    button: 'Record response',
    fields: [
      {
        name: 'outcome',
        label: 'What did HMICFRS say?',
        kind: 'choice',
        options: hmicfrsOutcomes.map((o) => ({ value: o, text: { signed_off: 'Signed off', not_accepted: 'Not accepted', reality_test: 'Will be reality-tested at the next inspection' }[o] })),
      },
      { name: 'reasons', label: 'Reasons (optional)', kind: 'textarea', optional: true },
    ],
  },
  reassign: {
    title: 'Hand over to someone else',
    button: 'Reassign',
    fields: [
      { name: 'ownerId', label: 'New owner (optional)', kind: 'person', role: 'action_owner', optional: true },
      { name: 'leadId', label: 'New lead (optional)', kind: 'person', role: 'lead', optional: true },
      reasonField(),
    ],
  },
  assign: {
    title: 'Assign an owner',
    button: 'Assign',
    fields: [
      { name: 'ownerId', label: 'Owner', kind: 'person', role: 'action_owner' },
      { name: 'leadId', label: 'Lead', kind: 'person', role: 'lead' },
      { name: 'dueDate', label: 'Due date', kind: 'date', hint: dateHint },
    ],
  },
  reactivate: {
    title: 'Reactivate for the force',
    button: 'Reactivate',
    fields: [
      reasonField(),
      { name: 'ownerId', label: 'Owner', kind: 'person', role: 'action_owner' },
      { name: 'leadId', label: 'Lead', kind: 'person', role: 'lead' },
      { name: 'dueDate', label: 'Due date', kind: 'date', hint: dateHint },
    ],
  },
  setCategory: {
    title: 'Set the closure category',
    button: 'Set category',
    fields: [{ name: 'category', label: 'Closure category', kind: 'choice', number: true, options: ([1, 2, 3, 4] as ClosureCategory[]).map((c) => ({ value: String(c), text: closureCategoryLabels[c] })) }],
  },
  markNotForTheForce: { title: 'Mark not for the force', button: 'Mark not for the force', fields: [reasonField()] },
  closeNoActionRequired: { title: 'Close: no action required', button: 'Close', warning: true, fields: [reasonField()] },
  addPart: {
    title: 'Add a part',
    button: 'Add part',
    fields: [
      { name: 'reference', label: 'Part reference', kind: 'text' },
      { name: 'text', label: 'Text of the part', kind: 'textarea' },
    ],
  },
  updatePart: {
    title: 'Update a part',
    button: 'Update part',
    fields: [
      { name: 'reference', label: 'Part reference', kind: 'text' },
      { name: 'status', label: 'Status', kind: 'choice', options: partStatuses.map((s) => ({ value: s, text: s.replace(/_/g, ' ') })) },
    ],
  },
  amendText: {
    title: 'Change the text',
    button: 'Change text',
    fields: [
      { name: 'text', label: 'New text', kind: 'textarea' },
      reasonField(),
    ],
  },
  markSuperseded: {
    title: 'Mark superseded',
    button: 'Mark superseded',
    warning: true,
    fields: [
      { name: 'supersededBy', label: 'Id of the recommendation that supersedes it', kind: 'text' },
      { name: 'reason', label: 'Reason (optional)', kind: 'textarea', optional: true },
    ],
  },
  markNoLongerRelevant: { title: 'Close: no longer relevant', button: 'Close as no longer relevant', warning: true, fields: [reasonField()] },
  markBusinessAsUsual: { title: 'Close: now business as usual', button: 'Close as business as usual', warning: true, fields: [reasonField()] },
  reopen: { title: 'Reopen', button: 'Reopen', warning: true, fields: [reasonField('Why it is reopened')] },
};

/** The id of a field on the page: unique across the several forms of one page. */
export const fieldId = (type: string, field: string) => `${type}-${field}`;

const dateParts = ['day', 'month', 'year'] as const;

/** The id the error summary links to for a field of a command: a date's first box (its day), else the field itself. */
export function errorTarget(type: LifecycleCommandType, field: string): string {
  const spec = commandSpecs[type].fields.find((f) => f.name === field);
  return spec?.kind === 'date' ? `${fieldId(type, field)}-day` : fieldId(type, field);
}

/** What a person typed into one field, as text: a date's three boxes become YYYY-MM-DD (the schema then checks it is a real date). */
export function fieldText(field: FieldSpec, body: Record<string, unknown>): string | undefined {
  if (field.kind === 'date') {
    const parts = dateParts.map((p) => (typeof body[`${field.name}-${p}`] === 'string' ? (body[`${field.name}-${p}`] as string).trim() : ''));
    if (parts.every((p) => p === '')) return '';
    const [day, month, year] = parts as [string, string, string];
    return `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  }
  return typeof body[field.name] === 'string' ? (body[field.name] as string) : undefined;
}

/** The values a form was sent with, to show it again: a date keeps its three boxes. */
export function formValues(type: LifecycleCommandType, body: Record<string, unknown>): Record<string, string> {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  return Object.fromEntries(commandSpecs[type].fields.flatMap((f) => (f.kind === 'date' ? dateParts.map((p) => [`${f.name}-${p}`, text(`${f.name}-${p}`)]) : [[f.name, text(f.name)]])));
}

/** Turns a submitted form into a command body for the api's schema: empty optional fields are left out. */
export function commandFromForm(type: LifecycleCommandType, body: Record<string, unknown>): Record<string, unknown> {
  const command: Record<string, unknown> = { type };
  for (const field of commandSpecs[type].fields) {
    const raw = fieldText(field, body)?.trim();
    if (raw === undefined || raw === '') {
      if (!field.optional) command[field.name] = field.kind === 'choice' && (field.boolean || field.number) ? undefined : (raw ?? '');
      continue;
    }
    if (field.kind === 'choice' && field.boolean) command[field.name] = raw === 'true';
    else if (field.kind === 'choice' && field.number) command[field.name] = Number(raw);
    else command[field.name] = raw;
  }
  return command;
}

export interface Person {
  id: string;
  name: string;
  roles: string[];
}

/** One field of a command form, ready for the GOV.UK macros (web/templates/partials/commandForm.njk). */
export interface CommandFieldView {
  kind: FieldSpec['kind'];
  id: string;
  name: string;
  label: string;
  hint?: string;
  value: string;
  error?: string;
  items?: { value: string; text: string; checked?: boolean; selected?: boolean }[];
  /** A date's three boxes. */
  dateItems?: { name: string; value: string; classes?: string }[];
}

export interface CommandFormView {
  action: string;
  type: LifecycleCommandType;
  title: string;
  button: string;
  warning: boolean;
  csrfToken: string;
  /** The item's version the page shows: the command is refused (412) if someone changed the item since. */
  version: number;
  /** The submission's idempotency key: sending the same form twice (a double click, a resend) acts once. */
  submissionKey: string;
  fields: CommandFieldView[];
  generalError?: string;
}

/** One command as the view model of a GOV.UK form that POSTs back to `action` (the recommendation page by default). */
export function commandFormView(options: {
  recommendationId: string;
  type: LifecycleCommandType;
  csrfToken: string;
  version: number;
  /** Kept when the same submission is offered again (its outcome was unknown); a fresh one otherwise. */
  submissionKey?: string;
  people: Person[];
  values?: Record<string, string>;
  errors?: FormError[];
  action?: string;
}): CommandFormView {
  const spec = commandSpecs[options.type];
  const errorFor = (name: string) => options.errors?.find((e) => e.field === fieldId(options.type, name) || e.field === `${fieldId(options.type, name)}-day`)?.message;
  const value = (name: string) => options.values?.[name] ?? '';
  const fields = spec.fields.map((f): CommandFieldView => {
    const base = { kind: f.kind, id: fieldId(options.type, f.name), name: f.name, label: f.label, hint: 'hint' in f ? f.hint : undefined, value: value(f.name), error: errorFor(f.name) };
    if (f.kind === 'date') return { ...base, dateItems: dateParts.map((p) => ({ name: p, value: value(`${f.name}-${p}`), ...(base.error ? { classes: 'govuk-input--error' } : {}) })) };
    if (f.kind === 'choice') return { ...base, items: f.options.map((o) => ({ value: o.value, text: o.text, checked: value(f.name) === o.value })) };
    if (f.kind === 'person') {
      const choices = options.people.filter((p) => p.roles.includes(f.role));
      return { ...base, items: [{ value: '', text: f.optional ? 'No change' : 'Choose someone' }, ...choices.map((p) => ({ value: p.id, text: p.name, selected: value(f.name) === p.id }))] };
    }
    return base;
  });
  return {
    action: options.action ?? `/recommendations/${options.recommendationId}/commands/${options.type}`,
    type: options.type,
    title: spec.title,
    button: spec.button,
    warning: !!spec.warning,
    csrfToken: options.csrfToken,
    version: options.version,
    submissionKey: options.submissionKey ?? randomUUID(),
    fields,
    generalError: errorFor('submit'),
  };
}
