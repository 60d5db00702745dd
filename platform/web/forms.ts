import type { Request } from 'express';
import { ApiProblem } from '../http/problem';
import type { FormError } from './html';

/** A submitted form's fields: one text value, or every value of a repeated field (checkboxes). */
export type FormBody = Record<string, string | string[] | undefined>;

export const formBody = (req: Request): FormBody =>
  req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as FormBody) : {};

export function text(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? '') : '';
}

export function list(body: FormBody, name: string): string[] {
  const value = body[name];
  return (Array.isArray(value) ? value : typeof value === 'string' ? [value] : []).filter((v) => v !== '');
}

/** Comma- or line-separated values, trimmed, without blanks. */
export const splitList = (value: string): string[] =>
  value
    .split(/[\n,]/)
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * The API's field problems as a page's form errors: `body.roles[0]` becomes the field `roles` (the id the page gives
 * that field, so the error summary links to it), renamed through `fields` where the page names it differently.
 * A problem with the whole body goes to `fallback`, the form's first field.
 */
export function formErrors(
  problem: ApiProblem,
  fallback: string,
  fields: Record<string, string> = {},
  labels: Record<string, string> = {},
): FormError[] {
  const errors = problem.errors.length ? problem.errors : [{ field: 'body', message: problem.detail ?? problem.title }];
  return errors.map((e) => {
    const path = e.field.replace(/^body\.?/, '');
    const prefix = Object.keys(fields)
      .filter((k) => path === k || path.startsWith(`${k}.`) || path.startsWith(`${k}[`))
      .sort((a, b) => b.length - a.length)[0];
    const field =
      prefix !== undefined
        ? fields[prefix]!
        : path
            .replace(/\[\d+\]$/, '')
            .replace(/[.[\]]+/g, '-')
            .replace(/-$/, '') || fallback;
    const label = labels[field];
    return { field, message: label ? `${label} ${e.message}` : sentence(e.message) };
  });
}

const sentence = (message: string) => message.charAt(0).toUpperCase() + message.slice(1);

/** Runs a form's work; a refusal the person can fix (400, 409, 412) comes back as form errors instead of an error page. */
export async function attempt<T>(
  work: () => Promise<T>,
  toErrors: (problem: ApiProblem) => FormError[],
): Promise<{ ok: true; value: T } | { ok: false; errors: FormError[]; status: number }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ApiProblem && [400, 409, 410, 412, 502].includes(error.status))
      return { ok: false, errors: toErrors(error), status: error.status };
    throw error;
  }
}
