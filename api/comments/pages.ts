import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { COMMENT_MAX_LENGTH } from '../../domain/comments';
import { actingPersonOf } from '../../platform/http/actor';
import { authorize, isAllowed } from '../../platform/http/permissions';
import { parseInput } from '../../platform/http/problem';
import { attempt, formBody, formErrors, list, text } from '../../platform/web/forms';
import type { FormError } from '../../platform/web/html';
import type { ApiDependencies } from '../dependencies';
import type { CommentedItem } from './service';
import { newCommentSchema } from './routes';

/** A comment form sent back with its errors, as it was filled in (and with its key, so sending it again posts once). */
export interface CommentFormState {
  text: string;
  notify: string[];
  key: string;
  errors: FormError[];
  status: number;
}

const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });
const fields = { text: 'comment-text', notify: 'comment-notify' };
const labels = { 'comment-text': 'The comment', 'comment-notify': 'Notify' };

/** What the thread partial (platform/web/templates/partials/comments.njk) shows, and its form when this person may post. */
export async function commentsView(
  deps: Pick<ApiDependencies, 'comments'>,
  req: Request,
  view: CommentedItem,
  action: string,
  form?: CommentFormState,
) {
  const me = req.identity!.person;
  const [thread, participants] = await Promise.all([deps.comments.thread(view.id), deps.comments.participants(view)]);
  const mayPost = isAllowed(req.identity!, 'comments.post', { participant: participants.some((p) => p.id === me.id) });
  const errorOf = (field: string) => form?.errors.find((e) => e.field === field)?.message;
  return {
    count: thread.filter((e) => e.kind === 'comment').length,
    entries: thread.map((e) => ({ ...e, when: londonTime.format(new Date(e.at)), notifiedWords: e.notified.join(', ') })),
    form: mayPost
      ? {
          action,
          csrfToken: req.identity!.session?.csrfToken ?? '',
          key: form?.key ?? randomUUID(),
          text: form?.text ?? '',
          maxLength: COMMENT_MAX_LENGTH,
          textError: errorOf(fields.text),
          notifyError: errorOf(fields.notify),
          notifyItems: participants
            .filter((p) => p.id !== me.id)
            .map((p) => ({ value: p.id, text: `${p.name} (${p.part})`, checked: form?.notify.includes(p.id) ?? false })),
        }
      : null,
  };
}

/**
 * Posts a page's comment form through the same CommentService as the API: a comment that cannot be posted (empty,
 * too long, an unknown @mention) comes back through `rerender` with its errors; a posted one goes to `done`.
 */
export function commentFormHandler(deps: Pick<ApiDependencies, 'comments' | 'recommendations'>) {
  return async function postComment(
    req: Request,
    res: Response,
    id: string,
    then: { notFound: () => Promise<void>; rerender: (form: CommentFormState) => Promise<void>; done: string },
  ): Promise<void> {
    const by = actingPersonOf(req.identity!);
    const view = await deps.recommendations.get(id, by);
    if (!view) return then.notFound();
    authorize(req.identity!, 'comments.post', { participant: await deps.comments.takesPart(view, req.identity!.person.id) });
    const body = formBody(req);
    const state = {
      text: text(body, 'text'),
      notify: list(body, 'notify'),
      key: /^[\w-]{8,100}$/.test(text(body, '_key')) ? text(body, '_key') : randomUUID(),
    };
    const outcome = await attempt(
      () => deps.comments.post(view, by, parseInput(newCommentSchema, { text: state.text, notify: state.notify }), `page:${state.key}`),
      (problem) => formErrors(problem, fields.text, fields, labels),
    );
    if (!outcome.ok) return then.rerender({ ...state, errors: outcome.errors, status: outcome.status });
    res.redirect(303, then.done);
  };
}
