import { randomUUID } from 'node:crypto';
import { lifecycleCommands, type CommandForm, type FormField, type LifecycleCommandType } from '../../domain/lifecycle';
import type { FormError } from '../../platform/web/html';

/** How one field of a lifecycle command is asked for on a page (declared with the command, in domain/lifecycle/). */
export type FieldSpec = FormField;
export type CommandSpec = CommandForm;

/** Every lifecycle command a person may send from a page, with the words people see: each command's own form. */
export const commandSpecs = Object.fromEntries(lifecycleCommands.map((entry) => [entry.type, entry.form])) as Record<
  LifecycleCommandType,
  CommandSpec
>;

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
    const parts = dateParts.map((p) =>
      typeof body[`${field.name}-${p}`] === 'string' ? (body[`${field.name}-${p}`] as string).trim() : '',
    );
    if (parts.every((p) => p === '')) return '';
    const [day, month, year] = parts as [string, string, string];
    return `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  }
  return typeof body[field.name] === 'string' ? (body[field.name] as string) : undefined;
}

/** The values a form was sent with, to show it again: a date keeps its three boxes. */
export function formValues(type: LifecycleCommandType, body: Record<string, unknown>): Record<string, string> {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  return Object.fromEntries(
    commandSpecs[type].fields.flatMap((f) =>
      f.kind === 'date' ? dateParts.map((p) => [`${f.name}-${p}`, text(`${f.name}-${p}`)]) : [[f.name, text(f.name)]],
    ),
  );
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

/** One field of a command form, ready for the GOV.UK macros (platform/web/templates/partials/commandForm.njk). */
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
  /** The green button: the next step, and Approve wherever it is offered. */
  primary: boolean;
  csrfToken: string;
  /** The item's version the page shows: the command is refused (412) if someone changed the item since. */
  version: number;
  /** The submission's idempotency key: sending the same form twice (a double click, a resend) acts once. */
  submissionKey: string;
  fields: CommandFieldView[];
  /** A file sent with the form (the letter, HMICFRS's reply): the form is then multipart. */
  attachment?: { id: string; name: string; label: string; hint: string; error?: string };
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
  /** Every other item, for a field that names one ("Mark superseded"). */
  items?: { id: string; label: string }[];
  values?: Record<string, string>;
  errors?: FormError[];
  action?: string;
  primary?: boolean;
}): CommandFormView {
  const spec = commandSpecs[options.type];
  const errorFor = (name: string) =>
    options.errors?.find((e) => e.field === fieldId(options.type, name) || e.field === `${fieldId(options.type, name)}-day`)?.message;
  const value = (name: string) => options.values?.[name] ?? '';
  const fields = spec.fields.map((f): CommandFieldView => {
    const base = {
      kind: f.kind,
      id: fieldId(options.type, f.name),
      name: f.name,
      label: f.label,
      hint: 'hint' in f ? f.hint : undefined,
      value: value(f.name),
      error: errorFor(f.name),
    };
    if (f.kind === 'date')
      return {
        ...base,
        dateItems: dateParts.map((p) => ({
          name: p,
          value: value(`${f.name}-${p}`),
          ...(base.error ? { classes: 'govuk-input--error' } : {}),
        })),
      };
    if (f.kind === 'choice')
      return { ...base, items: f.options.map((o) => ({ value: o.value, text: o.text, checked: value(f.name) === o.value })) };
    if (f.kind === 'recommendation') {
      const choices = (options.items ?? []).filter((i) => i.id !== options.recommendationId);
      return {
        ...base,
        items: [
          { value: '', text: 'Choose the recommendation' },
          ...choices.map((i) => ({ value: i.id, text: i.label, selected: value(f.name) === i.id })),
        ],
      };
    }
    if (f.kind === 'person') {
      const choices = options.people.filter((p) => p.roles.includes(f.role));
      return {
        ...base,
        items: [
          { value: '', text: f.optional ? 'No change' : 'Choose someone' },
          ...choices.map((p) => ({ value: p.id, text: p.name, selected: value(f.name) === p.id })),
        ],
      };
    }
    return base;
  });
  return {
    action: options.action ?? `/recommendations/${options.recommendationId}/commands/${options.type}`,
    type: options.type,
    title: spec.title,
    button: spec.button,
    warning: !!spec.warning,
    primary: !spec.warning && (options.primary ?? options.type === 'approve'),
    csrfToken: options.csrfToken,
    version: options.version,
    submissionKey: options.submissionKey ?? randomUUID(),
    fields,
    generalError: errorFor('submit'),
  };
}
