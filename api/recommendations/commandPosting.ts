import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies';
import { actingPersonOf } from '../../platform/http/actor';
import { authorize } from '../../platform/http/permissions';
import { ApiProblem } from '../../platform/http/problem';
import { commandSchemas } from './commandSchemas';
import type { LifecycleCommand, LifecycleCommandType } from '../../domain/lifecycle';
import { commandFromForm, commandSpecs, errorTarget, fieldId, formValues } from './commandForms';
import type { FormError } from '../../platform/web/html';
import { withNames } from './scrutiny';

/** The commands an approver decides with: the approval page holds them. */
export const decisionCommands: LifecycleCommandType[] = ['approve', 'reject', 'decideExtension'];

/** A form sent back with its values and what is wrong with it, and the status of that answer. */
export interface CommandFormState {
  /** The form's name: a lifecycle command, or another form of the page (evidence). */
  type: string;
  values: Record<string, string>;
  errors: FormError[];
  status: number;
  /** The submission's key, when it is to be offered again as it was (its outcome was not known). */
  submissionKey?: string;
}

/** What a form shown again after a submission keeps of it: its values, errors and, if unresolved, its key. */
export function formAgain(
  form: CommandFormState | undefined,
  type: string,
): { values?: Record<string, string>; errors?: FormError[]; submissionKey?: string } {
  return form?.type === type ? { values: form.values, errors: form.errors, submissionKey: form.submissionKey } : {};
}

/** The version and idempotency key a command form carries (hidden fields); absent or malformed ones are left out. */
function submissionOf(body: Record<string, unknown>): { ifMatch?: string; idempotencyKey?: string } {
  const version = typeof body._version === 'string' && /^\d{1,9}$/.test(body._version) ? body._version : undefined;
  const key = typeof body._key === 'string' && /^[\x21-\x7e]{8,200}$/.test(body._key) ? body._key : undefined;
  return { ifMatch: version, idempotencyKey: key };
}

const idParams = z.object({ id: z.uuid() });

/** The item and command a `…/:id/commands/:type` form posts to; null when either is not one. */
export function commandTarget(req: Request): { id: string; type: LifecycleCommandType } | null {
  const parsed = idParams.safeParse({ id: req.params.id });
  const type = String(req.params.type);
  if (!parsed.success || !(type in commandSpecs)) return null;
  return { id: parsed.data.id, type: type as LifecycleCommandType };
}

/**
 * Sends a command form: checked by the api's schema (400 → the form again, the error summary naming each field), then
 * through the same service the api uses; the lifecycle may refuse it (409 → the form again, its reason in the error
 * summary). Success redirects to `done`.
 */
export function commandFormHandler({ recommendations, dataSource }: ApiDependencies) {
  return async (
    req: Request,
    res: Response,
    id: string,
    commandType: LifecycleCommandType,
    then: {
      rerender: (form: CommandFormState) => Promise<void>;
      done: string;
      /** A file sent with the form: checked before the command (nothing is written if it is refused), kept with what the command recorded. */
      attachment?: { check(): Promise<(FormError & { status: number }) | null>; keep(commandKey: string): Promise<string> } | null;
    },
  ): Promise<void> => {
    authorize(req.identity!, 'recommendations.command');
    const spec = commandSpecs[commandType];
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = formValues(commandType, body);
    const known = (name: string) => spec.fields.some((f) => f.name === name);
    const labelOf = (name: string) => spec.fields.find((f) => f.name === name)?.label.replace(/ \(optional\)$/, '') ?? 'The form';
    const friendly = (name: string, message: string) => {
      const label = known(name) ? labelOf(name) : 'The form';
      return /must not be empty|must be named/.test(message)
        ? `Enter ${label.charAt(0).toLowerCase()}${label.slice(1)}`
        : `${label}: ${message}`;
    };
    const fieldOf = (name: string) => (known(name) ? errorTarget(commandType, name) : fieldId(commandType, 'submit'));
    const checked = commandSchemas[commandType].safeParse(commandFromForm(commandType, body));
    if (!checked.success) {
      const errors = checked.error.issues.map((i) => {
        const name = String(i.path[0] ?? 'submit');
        if (i.code === 'invalid_type')
          return { field: fieldOf(name), message: `Choose an answer: ${known(name) ? labelOf(name) : 'the form'}` };
        return { field: fieldOf(name), message: friendly(name, i.message) };
      });
      return then.rerender({ type: commandType, values, errors, status: 400 });
    }
    // The key is known here, so a file sent with the form can be kept with the record this command writes.
    const submission = { ...submissionOf(body) };
    submission.idempotencyKey ??= randomUUID();
    if (then.attachment) {
      const refused = await then.attachment.check();
      if (refused)
        return then.rerender({
          type: commandType,
          values,
          errors: [{ field: refused.field, message: refused.message }],
          status: refused.status,
        });
    }
    try {
      await recommendations.command(id, checked.data as LifecycleCommand, actingPersonOf(req.identity!), submission);
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 412) {
        const message =
          'Someone else changed this item while you had it open. The page now shows their change: check it, then send yours again if it still applies.';
        return then.rerender({ type: commandType, values, errors: [{ field: fieldId(commandType, 'submit'), message }], status: 409 });
      }
      if (error instanceof ApiProblem && error.status === 503) {
        const message =
          'We could not confirm that this was saved. Send the form again: if it was saved already, it will not be done twice.';
        return then.rerender({
          type: commandType,
          values,
          errors: [{ field: fieldId(commandType, 'submit'), message }],
          status: 503,
          submissionKey: submission.idempotencyKey,
        });
      }
      if (error instanceof ApiProblem && (error.status === 400 || error.status === 409)) {
        const errors: FormError[] =
          error.status === 400 && error.errors.length
            ? error.errors.map((e) => {
                const name = e.field.replace(/^body\./, '');
                return { field: fieldOf(name), message: friendly(name, e.message) };
              })
            : [{ field: fieldId(commandType, 'submit'), message: await withNames(dataSource, error.detail ?? error.title) }];
        return then.rerender({ type: commandType, values, errors, status: error.status });
      }
      throw error;
    }
    const attached = then.attachment ? await then.attachment.keep(submission.idempotencyKey) : null;
    res.redirect(303, attached ? `${then.done}&attached=${encodeURIComponent(attached)}` : then.done);
  };
}
