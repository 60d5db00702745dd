import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies';
import { actingPersonOf } from '../../platform/http/actor';
import { calendarDateInLondon } from '../../domain/calendar';
import { commandRefusal, type LifecycleCommandType } from '../../domain/lifecycle';
import { commandFormView } from '../recommendations/commandForms';
import { commandFormHandler, commandTarget, decisionCommands, formAgain, type CommandFormState } from '../recommendations/commandPosting';
import type { PageShell } from '../../platform/web/pageShell';
import { itemName, loadScrutiny, withNames } from '../recommendations/scrutiny';
import { commentFormHandler, commentsView, type CommentFormState } from '../comments/pages';

const idParams = z.object({ id: z.uuid() });
const decidedWords: Record<string, string> = {
  approve: 'You approved the evidence for',
  reject: 'You rejected the evidence for',
  decideExtension: 'You decided the extension of',
};

/**
 * The approval page (/approvals/:id): everything an approver needs to scrutinise an item on one screen, then approve or
 * reject (with reasons) or decide an extension, through the same lifecycle commands the api uses. People who may not
 * decide now are told why instead of being shown the form.
 */
export function approvalPageRoutes(deps: ApiDependencies, shell: PageShell): Router {
  const { recommendations } = deps;
  const router = Router();
  const sendCommand = commandFormHandler(deps);

  /** The decisions this person may take on the item now (delegations included), or why they may not. */
  async function decisionsFor(
    req: Request,
    view: NonNullable<Awaited<ReturnType<typeof recommendations.get>>>,
  ): Promise<{ commands: LifecycleCommandType[]; refusal: string | null }> {
    const by = actingPersonOf(req.identity!);
    const delegatesFor = (await recommendations.decidersFor(by.actor.personId, calendarDateInLondon(Date.now()))).slice(1);
    const actor = { ...by.actor, delegatesFor };
    const closure = view.status === 'awaiting_approval' || view.status === 'evidence_submitted';
    const commands = decisionCommands.filter((c) => commandRefusal(view.state, actor, c) === null);
    return {
      commands,
      refusal: commands.length
        ? null
        : commandRefusal(view.state, actor, view.state.pendingExtension && !closure ? 'decideExtension' : 'approve'),
    };
  }

  async function approvalPage(
    req: Request,
    res: Response,
    id: string,
    form?: CommandFormState,
    commentForm?: CommentFormState,
  ): Promise<void> {
    const view = await recommendations.get(id, actingPersonOf(req.identity!));
    if (!view) return shell.notFound(req, res);
    const done = typeof req.query.done === 'string' ? decidedWords[req.query.done] : undefined;
    if (done && !form) {
      return shell.send(req, res, 'decided.njk', {
        title: 'Decision recorded',
        done: `${done} ${itemName(view)}`,
        status: view.status,
        statusLabel: view.statusLabel,
        id: view.id,
      });
    }
    const { commands, refusal } = await decisionsFor(req, view);
    if (!commands.length && !form && !commentForm) {
      // A comment posted here by someone with nothing (left) to decide: the thread is on the item's own page.
      if (req.query.commented === '1') return res.redirect(303, `/recommendations/${view.id}?tab=comments&commented=1#comments`);
      return shell.message(
        req,
        res,
        200,
        'You cannot decide on this item now',
        [
          `${itemName(view)} (${view.report.originator}: ${view.report.title}) is ${view.statusLabel.toLowerCase()}.`,
          `You cannot approve or reject it: ${await withNames(deps.dataSource, refusal ?? 'there is nothing waiting for your decision')}.`,
        ],
        {
          href: `/recommendations/${view.id}`,
          text: 'Open the recommendation page',
          after: ' to see the item and what you may do with it.',
        },
      );
    }
    const [item, comments] = await Promise.all([
      loadScrutiny(deps, view, { signedIn: true }),
      commentsView(deps, req, view, `/approvals/${view.id}/comments`, commentForm),
    ]);
    const csrfToken = req.identity!.session?.csrfToken ?? '';
    // A refused decision is shown again (with its error) even when it is no longer one this person may take.
    const sent = form && decisionCommands.find((c) => c === form.type);
    const shown = sent && !commands.includes(sent) ? [sent, ...commands] : commands;
    const extension = !shown.includes('approve') && !shown.includes('reject');
    await shell.send(
      req,
      res,
      'approval.njk',
      {
        title: `${extension ? 'Decide the extension' : 'Approve or reject'}: ${item.name}`,
        errors: form?.errors ?? commentForm?.errors,
        commented: req.query.commented === '1',
        comments,
        heading: extension ? 'Decide the extension' : 'Approve or reject',
        intro: extension
          ? 'Read the request and the work so far, then approve or refuse the new due date.'
          : "Read the owner's summary, the evidence and what earlier approvers said, then approve, or reject with the reasons the owner needs.",
        item,
        forms: shown.map((type) =>
          commandFormView({
            recommendationId: view.id,
            type,
            csrfToken,
            version: view.version,
            people: [],
            ...formAgain(form, type),
            action: `/approvals/${view.id}/commands/${type}`,
          }),
        ),
      },
      { status: form?.status ?? commentForm?.status },
    );
  }

  router.get('/approvals/:id', async (req, res) => {
    const parsed = idParams.safeParse(req.params);
    if (!parsed.success) return shell.notFound(req, res);
    await approvalPage(req, res, parsed.data.id);
  });

  const postComment = commentFormHandler(deps);
  router.post('/approvals/:id/comments', async (req, res) => {
    const parsed = idParams.safeParse(req.params);
    if (!parsed.success) return shell.notFound(req, res);
    const id = parsed.data.id;
    await postComment(req, res, id, {
      notFound: () => shell.notFound(req, res),
      rerender: (commentForm) => approvalPage(req, res, id, undefined, commentForm),
      done: `/approvals/${id}?commented=1#comments`,
    });
  });

  router.post('/approvals/:id/commands/:type', async (req, res) => {
    const target = commandTarget(req);
    if (!target || !decisionCommands.includes(target.type)) return shell.notFound(req, res);
    await sendCommand(req, res, target.id, target.type, {
      rerender: (form) => approvalPage(req, res, target.id, form),
      done: `/approvals/${target.id}?done=${target.type}`,
    });
  });

  return router;
}
