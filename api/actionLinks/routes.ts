import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { commandRefusal, type LifecycleCommand, type LifecycleCommandType } from '../../domain/lifecycle';
import { calendarDateInLondon } from '../../domain/calendar';
import { ActionLink, Person } from '../../entities';
import type { ActionLinkAction } from '../../entities/ActionLink';
import { recordAudit } from '../../entities/auditTrail';
import { confirmPage, donePage, linkProblemPage, otherSessionPage, type OtherSession } from './pages';
import { loadScrutiny, withNames } from '../recommendations/scrutiny';
import type { ActingPerson } from '../../platform/http/actor';
import { formToken, formTokenIsValid } from '../auth/authenticate';
import type { Identity } from '../../platform/http/identity';
import type { ApiDependencies } from '../dependencies';
import { ApiProblem } from '../../platform/http/problem';
import { readActionLinkToken, type ActionLinkClaims } from '../../platform/email/actionLinkTokens';

const commandType: Record<ActionLinkAction, LifecycleCommandType> = {
  approve: 'approve',
  reject: 'reject',
  approveExtension: 'decideExtension',
  refuseExtension: 'decideExtension',
};

const storable = (s: string) => !s.includes('\u0000');
const formSchema = z.object({
  _csrf: z.string().optional(),
  acknowledge: z.string().max(100).optional(),
  comment: z
    .string()
    .trim()
    .max(5000, 'The comment must be at most 5000 characters')
    .refine(storable, 'The comment has a character that cannot be stored')
    .optional(),
  reasons: z
    .string()
    .trim()
    .max(5000, 'The reasons must be at most 5000 characters')
    .refine(storable, 'The reasons have a character that cannot be stored')
    .optional(),
});

function commandFor(action: ActionLinkAction, form: z.output<typeof formSchema>): LifecycleCommand {
  const comment = form.comment || undefined;
  switch (action) {
    case 'approve':
      return { type: 'approve', ...(comment ? { comment } : {}) };
    case 'reject':
      return { type: 'reject', reasons: form.reasons ?? '' };
    case 'approveExtension':
      return { type: 'decideExtension', approved: true, ...(comment ? { reason: comment } : {}) };
    case 'refuseExtension':
      return { type: 'decideExtension', approved: false, ...(comment ? { reason: comment } : {}) };
  }
}

/**
 * `signedIn` is whoever the browser (or API token) is signed in as, if anyone; `otherSession` is set when that is not the
 * link's person: the decision is then recorded as the link's person's, made from that session, after a warning.
 */
type Checked =
  | { ok: true; claims: ActionLinkClaims; person: Person; by: ActingPerson; signedIn: Identity | null; otherSession: Identity | null }
  | { ok: false; status: number; title: string; explanation: string };

const sessionWord = (identity: Identity) => (identity.via === 'session' ? 'session' : 'API token');

/**
 * Email action links (see tokens.ts). GET shows what will happen and changes nothing; POST, from that page with its
 * form token, claims the link (single use), sends the one command as the link's person, and releases the claim if
 * the command is refused. Forged, altered, expired and reused links get a page saying so, and an audit event.
 * When the browser is signed in as someone else, GET shows a warning first and POST acts only with that session's
 * acknowledgement (the `acknowledge` field); the audit then names both the link's person and the signed-in one.
 */
export function actionLinkRoutes({ dataSource, recommendations, evidence, auth, forceName }: ApiDependencies): Router {
  const router = Router();
  const serviceName = `${forceName} recommendation tracker`;
  const secret = auth.settings.sessionSecret;

  const problem = (res: Response, status: number, title: string, explanation: string) => {
    res.status(status).set('Cache-Control', 'no-store').type('html').send(linkProblemPage({ serviceName, title, explanation }));
  };

  const refuse = async (req: Request, type: string, entityId: string, summary: string, personId: string | null = null) => {
    await recordAudit(dataSource.manager, {
      actorId: personId,
      actorLabel: `Email link from ${req.ip ?? 'unknown'}`,
      entityType: 'action_link',
      entityId,
      type,
      summary,
      after: { ipAddress: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, 300) ?? null },
    });
  };

  async function check(req: Request, token: string): Promise<Checked> {
    const reading = readActionLinkToken(token, secret);
    if (!reading.ok) {
      await refuse(
        req,
        'action_link_forged',
        'unknown',
        reading.reason === 'forged'
          ? 'Refused an email link whose signature does not match (forged or altered)'
          : 'Refused a malformed email link',
      );
      return {
        ok: false,
        status: 400,
        title: 'This link is not valid',
        explanation:
          'The link is not one this product sent, or it was changed (perhaps cut short when it was copied). Use the link in your email exactly as it is.',
      };
    }
    const { claims } = reading;
    const row = await dataSource.manager.findOneBy(ActionLink, { id: claims.id });
    if (!row || row.personId !== claims.personId || row.recommendationId !== claims.recommendationId || row.action !== claims.action) {
      await refuse(req, 'action_link_forged', claims.id, 'Refused an email link that is signed but not on record', claims.personId);
      return { ok: false, status: 400, title: 'This link is not valid', explanation: 'This product has no record of this link.' };
    }
    if (row.usedAt) {
      await refuse(req, 'action_link_reused', row.id, `Refused an email link used before, on ${row.usedAt.toISOString()}`, row.personId);
      return {
        ok: false,
        status: 410,
        title: 'This link has already been used',
        explanation: 'Each email link works once, and this one has been used. If you need to change a decision, sign in.',
      };
    }
    if (row.expiresAt.getTime() <= Date.now() || claims.expiresAt.getTime() <= Date.now()) {
      await refuse(
        req,
        'action_link_expired',
        row.id,
        `Refused an email link that expired on ${row.expiresAt.toISOString()}`,
        row.personId,
      );
      return {
        ok: false,
        status: 410,
        title: 'This link has expired',
        explanation: 'Email links work for a limited time, and this one has run out. Sign in to see what is waiting for you.',
      };
    }
    const person = await dataSource.manager.findOneBy(Person, { id: row.personId });
    if (!person?.active) {
      await refuse(req, 'action_link_refused', row.id, 'Refused an email link for a person who is no longer active', row.personId);
      return {
        ok: false,
        status: 403,
        title: 'This link no longer works',
        explanation: 'The person it was sent to can no longer use this product.',
      };
    }
    const signedIn = req.identity ?? null;
    const otherSession = signedIn && signedIn.person.id !== person.id ? signedIn : null;
    const label = otherSession
      ? `${person.name} (email link, from ${otherSession.person.name}'s ${sessionWord(otherSession)})`
      : `${person.name} (email link)`;
    return { ok: true, claims, person, by: { actor: { personId: person.id, roles: person.roles }, label }, signedIn, otherSession };
  }

  /** Whether the lifecycle would let this person do this now (delegations included). */
  async function lifecycleRefusal(
    checked: Extract<Checked, { ok: true }>,
  ): Promise<{ reason: string | null; view: Awaited<ReturnType<typeof recommendations.get>> }> {
    const view = await recommendations.get(checked.claims.recommendationId, checked.by);
    if (!view) return { reason: 'the item no longer exists', view };
    const delegatesFor = (await recommendations.decidersFor(checked.person.id, calendarDateInLondon(Date.now()))).slice(1);
    const reason = commandRefusal(view.state, { ...checked.by.actor, delegatesFor }, commandType[checked.claims.action]);
    if (reason) return { reason, view };
    const extension = checked.claims.action === 'approveExtension' || checked.claims.action === 'refuseExtension';
    if (extension !== !!view.state.pendingExtension) return { reason: 'there is nothing waiting for this decision now', view };
    return { reason: null, view };
  }

  const acknowledgement = (identity: Identity): OtherSession => ({ name: identity.person.name, acknowledge: identity.person.id });

  /** The warning shown first when someone else is signed in; nothing is done and the link is not used up. */
  const warnOtherSession = (
    res: Response,
    status: number,
    checked: Extract<Checked, { ok: true }>,
    other: Identity,
    view: NonNullable<Awaited<ReturnType<typeof recommendations.get>>>,
  ) => {
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(
        otherSessionPage({
          serviceName,
          linkPersonName: checked.person.name,
          signedIn: acknowledgement(other),
          sessionCsrfToken: other.session?.csrfToken ?? '',
          action: checked.claims.action,
          view,
        }),
      );
  };

  router.get('/:token', async (req, res) => {
    const checked = await check(req, req.params.token);
    if (!checked.ok) return problem(res, checked.status, checked.title, checked.explanation);
    const { reason, view } = await lifecycleRefusal(checked);
    if (reason || !view)
      return problem(
        res,
        409,
        'This can no longer be done',
        `${await withNames(dataSource, reason ?? 'The item no longer exists')}. The link has not been used up.`,
      );
    const other = checked.otherSession;
    if (other && req.query.acknowledge !== other.person.id) return warnOtherSession(res, 200, checked, other, view);
    res
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(
        confirmPage({
          serviceName,
          personName: checked.person.name,
          action: checked.claims.action,
          item: await loadScrutiny({ dataSource, evidence }, view, { signedIn: false }),
          formToken: formToken(req, res, auth),
          expiresAt: checked.claims.expiresAt,
          ...(other ? { otherSession: acknowledgement(other) } : {}),
        }),
      );
  });

  router.post('/:token', async (req, res) => {
    if (!formTokenIsValid(req, auth)) {
      return problem(
        res,
        403,
        'Open the link from your email again',
        'This form could not be checked (its security token is missing or does not match). Open the link in your email again and press the button on that page.',
      );
    }
    const checked = await check(req, req.params.token);
    if (!checked.ok) return problem(res, checked.status, checked.title, checked.explanation);
    const parsed = formSchema.safeParse(req.body ?? {});
    const { reason, view } = await lifecycleRefusal(checked);
    if (reason || !view)
      return problem(
        res,
        409,
        'This can no longer be done',
        `${await withNames(dataSource, reason ?? 'The item no longer exists')}. The link has not been used up.`,
      );
    // Someone else is signed in and did not choose to go on from the warning (or signed in after it): warn, do nothing.
    const other = checked.otherSession;
    if (other && (req.body as { acknowledge?: unknown } | undefined)?.acknowledge !== other.person.id)
      return warnOtherSession(res, 409, checked, other, view);
    const formError = !parsed.success
      ? parsed.error.issues.map((i) => i.message).join('; ')
      : checked.claims.action === 'reject' && !parsed.data.reasons
        ? 'Say why the evidence is not enough: the owner needs the reasons.'
        : null;
    if (formError || !parsed.success) {
      res
        .status(400)
        .type('html')
        .send(
          confirmPage({
            serviceName,
            personName: checked.person.name,
            action: checked.claims.action,
            item: await loadScrutiny({ dataSource, evidence }, view, { signedIn: false }),
            formToken: formToken(req, res, auth),
            expiresAt: checked.claims.expiresAt,
            ...(other ? { otherSession: acknowledgement(other) } : {}),
            error: formError ?? 'The form is not valid',
            values: {
              comment: typeof req.body?.comment === 'string' ? req.body.comment.slice(0, 5000) : '',
              reasons: typeof req.body?.reasons === 'string' ? req.body.reasons.slice(0, 5000) : '',
            },
          }),
        );
      return;
    }
    const claimed = await dataSource
      .createQueryBuilder()
      .update(ActionLink)
      .set({ usedAt: () => 'now()' })
      .where('id = :id AND used_at IS NULL AND expires_at > now()', { id: checked.claims.id })
      .execute();
    if (claimed.affected !== 1)
      return problem(res, 410, 'This link has already been used', 'Each email link works once, and this one has just been used.');
    try {
      // Keyed by the link, so opening it again after an unknown outcome finds the first decision instead of making another.
      const after = await recommendations.command(
        checked.claims.recommendationId,
        commandFor(checked.claims.action, parsed.data),
        checked.by,
        { idempotencyKey: `action-link-${checked.claims.id}` },
      );
      await recordAudit(dataSource.manager, {
        actorId: checked.person.id,
        actorLabel: checked.by.label,
        entityType: 'action_link',
        entityId: checked.claims.id,
        recommendationId: checked.claims.recommendationId,
        type: 'action_link_used',
        summary: `Used an email link to ${checked.claims.action} (from ${req.ip ?? 'unknown'}${other ? `, in ${other.person.name}'s ${sessionWord(other)}` : ''})`,
        after: {
          linkPerson: { id: checked.person.id, name: checked.person.name },
          signedInPerson: checked.signedIn
            ? { id: checked.signedIn.person.id, name: checked.signedIn.person.name, via: checked.signedIn.via }
            : null,
          ipAddress: req.ip ?? null,
        },
      });
      res
        .set('Cache-Control', 'no-store')
        .type('html')
        .send(donePage({ serviceName, action: checked.claims.action, view: after }));
    } catch (error) {
      await dataSource.manager.update(ActionLink, { id: checked.claims.id }, { usedAt: null });
      if (error instanceof ApiProblem && error.status < 500)
        return problem(res, error.status, 'This could not be done', `${error.detail ?? error.title} The link has not been used up.`);
      if (error instanceof ApiProblem && error.status === 503) {
        return problem(
          res,
          503,
          'We could not confirm this yet',
          'The system did not answer in time. Open the link from your email again in a minute: if your decision was saved already, it will not be made twice.',
        );
      }
      throw error;
    }
  });

  return router;
}
