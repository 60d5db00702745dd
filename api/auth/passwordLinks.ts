import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Mailer } from '../../platform/email/mailer';
import { framedEmail } from '../../platform/email/renderedEmail';
import { LocalAccount, OutboundEmail, PasswordLink, Person } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { html } from '../../platform/web/html';
import { ApiProblem } from '../../platform/http/problem';
import { hashPassword, passwordProblem } from '../../platform/passwords';
import { deriveKey, hmac, sameSecret } from '../../platform/secrets';
import { sendNow } from './sendNow';
import type { AuthService } from './service';

/** How long a set-password link works: long enough for a weekend, short enough that an old email is harmless. */
export const PASSWORD_LINK_HOURS = 72;

const VERSION = 1;

interface Claims {
  id: string;
  personId: string;
  expiresAt: Date;
}

export type PasswordLinkReading =
  { ok: true; link: PasswordLink; person: Person } | { ok: false; reason: 'forged' | 'expired' | 'used' | 'inactive' };

/**
 * Set-password links: an administrator asks for one, the person gets it by email and chooses their own password.
 * Like email action links (platform/email/actionLinkTokens.ts) the link is signed (HMAC under a key derived from
 * SESSION_SECRET), bound to one person and expiring; its `password_links` row makes it single use. Sending a new
 * link cancels the person's earlier ones.
 */
export class PasswordLinkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    /** Null where links are only printed (the admin command). */
    private readonly mailer: Pick<Mailer, 'send'> | null,
    private readonly forceName: string,
  ) {}

  private sign(payload: string): string {
    return hmac(deriveKey(this.auth.settings.sessionSecret, 'password-links'), payload);
  }

  private token(claims: Claims): string {
    const payload = Buffer.from(
      JSON.stringify([VERSION, claims.id, claims.personId, Math.floor(claims.expiresAt.getTime() / 1000)]),
    ).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  private claimsOf(token: string): Claims | null {
    const parts = token.length <= 1000 ? token.split('.') : [];
    if (parts.length !== 2 || !/^[\w-]+$/.test(parts[0]!) || !/^[\w-]+$/.test(parts[1]!)) return null;
    if (!sameSecret(parts[1], this.sign(parts[0]!))) return null;
    try {
      const [version, id, personId, expires] = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown[];
      if (version !== VERSION || typeof id !== 'string' || typeof personId !== 'string' || typeof expires !== 'number') return null;
      return { id, personId, expiresAt: new Date(expires * 1000) };
    } catch {
      return null;
    }
  }

  private newLink(personId: string, now: Date): { claims: Claims; url: string } {
    const claims: Claims = {
      id: randomUUID(),
      personId,
      expiresAt: new Date(Math.floor(now.getTime() / 1000) * 1000 + PASSWORD_LINK_HOURS * 3_600_000),
    };
    return { claims, url: `${this.auth.settings.publicUrl}/set-password/${this.token(claims)}` };
  }

  /** Records a new link for an active person, cancelling their earlier ones. */
  private async recordLink(
    tx: EntityManager,
    claims: Claims,
    by: { id: string | null },
    now: Date,
  ): Promise<{ person: Person; hasAccount: boolean }> {
    const person = await tx.findOneBy(Person, { id: claims.personId });
    if (!person) throw ApiProblem.notFound('The person');
    if (!person.active) throw ApiProblem.refused(`${person.name} is deactivated: reactivate them first`);
    const hasAccount = await tx.existsBy(LocalAccount, { personId: person.id });
    await tx
      .createQueryBuilder()
      .update(PasswordLink)
      .set({ usedAt: now })
      .where('person_id = :personId AND used_at IS NULL', { personId: person.id })
      .execute();
    await tx.insert(PasswordLink, { id: claims.id, personId: person.id, expiresAt: claims.expiresAt, usedAt: null, createdBy: by.id });
    return { person, hasAccount };
  }

  /**
   * A link for the person to choose their password, given back rather than emailed: the admin command prints it for
   * whoever runs it (the first administrator has nobody to send it yet). `tx` joins the caller's transaction.
   */
  async issue(personId: string, by: { id: string | null; label: string }, tx?: EntityManager): Promise<{ url: string; expiresAt: Date }> {
    const now = new Date();
    const { claims, url } = this.newLink(personId, now);
    const work = async (manager: EntityManager) => {
      const { person } = await this.recordLink(manager, claims, by, now);
      await recordAudit(manager, {
        actorId: by.id,
        actorLabel: by.label,
        entityType: 'password_link',
        entityId: claims.id,
        type: 'password_link_issued',
        summary: `Gave ${by.label} a link for ${person.name} to choose their password (not emailed), working until ${claims.expiresAt.toISOString()}`,
        after: { personId, expiresAt: claims.expiresAt.toISOString() },
      });
    };
    await (tx ? work(tx) : this.dataSource.transaction(work));
    return { url, expiresAt: claims.expiresAt };
  }

  /** Emails the person a link to choose their password; returns where it went and until when it works. */
  async send(personId: string, by: { id: string | null; label: string }): Promise<{ sentTo: string; expiresAt: Date }> {
    const now = new Date();
    const { claims, url } = this.newLink(personId, now);
    const outbox = await this.dataSource.transaction(async (tx) => {
      const { person, hasAccount } = await this.recordLink(tx, claims, by, now);
      const until = claims.expiresAt.toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' });
      const subject = hasAccount
        ? `Choose a new password for the ${this.forceName} recommendation tracker`
        : `Your account on the ${this.forceName} recommendation tracker`;
      const lead = hasAccount
        ? 'An administrator has asked for your password to be reset.'
        : 'An administrator has given you an account on the recommendation tracker.';
      const email = framedEmail({
        subject,
        forceName: this.forceName,
        recipientName: person.name,
        text: [
          lead,
          '',
          `Choose your password here (the link works once, until ${until}):`,
          url,
          '',
          'If you did not expect this email, tell the corporate development team.',
        ],
        html: html`<p>${lead}</p>
          <p><a href="${url}">Choose your password</a> (the link works once, until ${until}).</p>
          <p>If you did not expect this email, tell the corporate development team.</p>`,
      });
      const row = await tx.save(
        tx.create(OutboundEmail, {
          transitionId: `password-link:${claims.id}`,
          template: 'password_link',
          recipientId: person.id,
          toAddress: person.email,
          recommendationId: null,
          subject,
          bodyText: email.text,
          bodyHtml: email.html,
        }),
      );
      await recordAudit(tx, {
        actorId: by.id,
        actorLabel: by.label,
        entityType: 'password_link',
        entityId: claims.id,
        type: 'password_link_sent',
        summary: `Sent ${person.name} a link to choose ${hasAccount ? 'a new' : 'their'} password, working until ${claims.expiresAt.toISOString()}`,
        after: { personId, expiresAt: claims.expiresAt.toISOString() },
      });
      return row;
    });
    await this.deliver(outbox);
    return { sentTo: outbox.toAddress, expiresAt: claims.expiresAt };
  }

  /**
   * Sends the email at once (an administrator is waiting to hear that it went). If the mail server refuses, the row
   * is marked failed and the administrator is told; the link stays unused and expires.
   */
  private async deliver(row: OutboundEmail): Promise<void> {
    if (!this.mailer) throw new Error('this PasswordLinkService has no mailer: it can only issue links');
    const failure = await sendNow(this.dataSource, this.mailer, row, new URL(this.auth.settings.publicUrl).hostname);
    if (failure)
      throw new ApiProblem(
        502,
        'The email was not sent',
        `The mail server did not take the email to ${row.toAddress}; try again later. The link in it will not work.`,
      );
  }

  /** What a link is, without changing anything (a mail scanner may fetch it). */
  async read(token: string): Promise<PasswordLinkReading> {
    const claims = this.claimsOf(token);
    if (!claims) return { ok: false, reason: 'forged' };
    const link = await this.dataSource.manager.findOne(PasswordLink, {
      where: { id: claims.id, personId: claims.personId },
      relations: { person: true },
    });
    if (!link) return { ok: false, reason: 'forged' };
    if (link.usedAt) return { ok: false, reason: 'used' };
    if (link.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
    if (!link.person.active) return { ok: false, reason: 'inactive' };
    return { ok: true, link, person: link.person };
  }

  /** Sets the person's password through the link, once; ends their sessions. `field` names the password in errors. */
  async use(token: string, password: string, request: { ipAddress: string }, field = 'body.password'): Promise<Person> {
    const reading = await this.read(token);
    if (!reading.ok) {
      await recordAudit(this.dataSource.manager, {
        actorId: null,
        actorLabel: `Set-password link from ${request.ipAddress}`,
        entityType: 'password_link',
        entityId: this.claimsOf(token)?.id ?? 'unknown',
        type: 'password_link_refused',
        summary: `Refused a set-password link from ${request.ipAddress}: ${linkRefusal[reading.reason]}`,
        after: { reason: reading.reason },
      });
      throw new ApiProblem(
        410,
        'This link no longer works',
        `${linkRefusal[reading.reason].charAt(0).toUpperCase()}${linkRefusal[reading.reason].slice(1)}. Ask an administrator for a new one.`,
      );
    }
    const { person } = reading;
    const problem = passwordProblem(password, person.email);
    if (problem) throw ApiProblem.invalid([{ field, message: problem }]);
    const passwordHash = await hashPassword(password);
    await this.dataSource.transaction(async (tx) => {
      const claimed = await tx
        .createQueryBuilder()
        .update(PasswordLink)
        .set({ usedAt: new Date() })
        .where('id = :id AND used_at IS NULL', { id: reading.link.id })
        .execute();
      if (!claimed.affected)
        throw new ApiProblem(410, 'This link no longer works', 'It has been used already. Ask an administrator for a new one.');
      await tx.upsert(
        LocalAccount,
        { personId: person.id, passwordHash, failedAttempts: 0, lockedUntil: null, passwordChangedAt: new Date() },
        ['personId'],
      );
      const endedSessions = await this.auth.endSessions(tx, person.id);
      await recordAudit(tx, {
        actorId: person.id,
        actorLabel: person.name,
        entityType: 'account',
        entityId: person.id,
        type: 'password_set_by_link',
        summary: `Chose their password through an emailed link from ${request.ipAddress}${endedSessions ? ` (ended ${endedSessions} session(s))` : ''}`,
        after: { linkId: reading.link.id, endedSessions },
      });
    });
    return person;
  }
}

export const linkRefusal: Record<Exclude<PasswordLinkReading, { ok: true }>['reason'], string> = {
  forged: 'this is not a link the tracker sent (it may have been cut short or altered)',
  expired: `the link has expired (links work for ${PASSWORD_LINK_HOURS} hours)`,
  used: 'the link has been used already, or a newer one was sent',
  inactive: 'the account has been deactivated',
};
