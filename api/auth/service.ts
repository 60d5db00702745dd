import type { DataSource, EntityManager } from 'typeorm';
import { IsNull, Not } from 'typeorm';
import { ApiToken, LocalAccount, OutboundEmail, Person, Session, SignInAttempt } from '../../entities';
import { ApiProblem } from '../../platform/http/problem';
import type { SignInMethod } from '../../entities/Session';
import { recordAudit } from '../../entities/auditTrail';
import { queueLockNotice, type LockNotices } from './lockNotice';
import type { OidcSettings } from './oidc';
import { hashPassword, needsRehash, passwordProblem, verifyAgainstNothing, verifyPassword } from '../../platform/passwords';
import { randomToken, sha256Hex } from '../../platform/secrets';
import { sendNow } from './sendNow';
import type { Identity } from '../../platform/http/identity';
import type { Role } from '../../domain/vocabulary';

export interface AuthSettings {
  /** Signs action links and sign-in form tokens (SESSION_SECRET). */
  sessionSecret: string;
  publicUrl: string;
  sessionHours: number;
  sessionIdleMinutes: number;
  maxFailures: number;
  lockoutMinutes: number;
  actionLinkDays: number;
  oidc: OidcSettings | null;
  /** With OIDC: made administrators on their first sign-in through the identity provider (ADMIN_EMAILS, lower-case). */
  adminEmails: string[];
  /** Listed on the sign-in page when the demo force is loaded. */
  demoAccounts: { name: string; email: string; roles: string[] }[] | null;
  demoPassword: string | null;
}

/** Failed sign-ins from one address within the window before it must wait. */
export const ADDRESS_LIMIT = { failures: 30, windowMinutes: 15 };

export type SignInOutcome =
  { ok: true; person: Person } | { ok: false; reason: 'invalid' | 'locked' | 'rate_limited'; retryAfterSeconds?: number };

const personLabel = (p: Pick<Person, 'name'>) => p.name;

/**
 * Local accounts, sessions and API tokens. Passwords are argon2id hashes; session cookies and API tokens are
 * random and stored only as SHA-256, so neither a database copy nor a log line can be replayed.
 */
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    readonly settings: AuthSettings,
    /** Emails a person whose account has just been locked; without it nobody is told (tests of this class alone). */
    private readonly lockNotices?: LockNotices,
  ) {}

  // --- local accounts -------------------------------------------------------------------------------------------

  /** Sets (or replaces) a person's password; `by` is who did it, for the audit trail. */
  async setPassword(
    personId: string,
    password: string,
    by: { id: string | null; label: string },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const person = await manager.findOneByOrFail(Person, { id: personId });
    const problem = passwordProblem(password, person.email);
    if (problem) throw new Error(`password ${problem}`);
    const passwordHash = await hashPassword(password);
    await manager.transaction(async (tx) => {
      await tx.upsert(LocalAccount, { personId, passwordHash, failedAttempts: 0, lockedUntil: null, passwordChangedAt: new Date() }, [
        'personId',
      ]);
      await recordAudit(tx, {
        actorId: by.id,
        actorLabel: by.label,
        entityType: 'account',
        entityId: personId,
        type: 'password_set',
        summary: `Set the password of ${person.name}'s account`,
      });
    });
  }

  /**
   * One password sign-in: refused while the address has failed too often lately, or the account is locked; a wrong
   * password counts towards the account's lockout. Every attempt is recorded and audited. Callers must answer
   * 'locked' exactly as 'invalid', so that nobody learns from the answer which addresses have accounts; the person is
   * told by email when their account locks.
   */
  async signIn(emailTyped: string, password: string, ipAddress: string): Promise<SignInOutcome> {
    const email = emailTyped.trim().toLowerCase();
    const now = new Date();
    const since = new Date(now.getTime() - ADDRESS_LIMIT.windowMinutes * 60_000);
    const recentFailures = await this.dataSource
      .getRepository(SignInAttempt)
      .createQueryBuilder('a')
      .where('a.ip_address = :ipAddress AND a.attempted_at > :since AND NOT a.succeeded', { ipAddress, since })
      .getCount();
    if (recentFailures >= ADDRESS_LIMIT.failures) {
      await recordAudit(this.dataSource.manager, {
        actorId: null,
        actorLabel: `Sign-in from ${ipAddress}`,
        entityType: 'account',
        entityId: email.slice(0, 320),
        type: 'sign_in_rate_limited',
        summary: `Refused a sign-in as ${email.slice(0, 320)} from ${ipAddress}: ${recentFailures} failed sign-ins from this address in ${ADDRESS_LIMIT.windowMinutes} minutes`,
      });
      return { ok: false, reason: 'rate_limited', retryAfterSeconds: ADDRESS_LIMIT.windowMinutes * 60 };
    }

    const person = email.length <= 320 ? await this.dataSource.manager.findOneBy(Person, { email, active: true }) : null;
    const account = person
      ? await this.dataSource
          .getRepository(LocalAccount)
          .createQueryBuilder('a')
          .addSelect('a.passwordHash')
          .where('a.person_id = :id', { id: person.id })
          .getOne()
      : null;
    const verified = account ? await verifyPassword(account.passwordHash, password) : await verifyAgainstNothing(password);
    const locked = !!account?.lockedUntil && account.lockedUntil > now;

    let notice: OutboundEmail | null = null;
    const outcome = await this.dataSource.transaction(async (tx) => {
      await tx.insert(SignInAttempt, { email: email.slice(0, 320), ipAddress, succeeded: verified && !locked, attemptedAt: now });
      const actor = {
        actorId: person?.id ?? null,
        actorLabel: person ? personLabel(person) : `Sign-in from ${ipAddress}`,
        entityType: 'account' as const,
        entityId: person?.id ?? email.slice(0, 320),
      };
      if (locked) {
        await recordAudit(tx, {
          ...actor,
          type: 'sign_in_failed',
          summary: `Refused a sign-in from ${ipAddress}: the account is locked until ${account!.lockedUntil!.toISOString()}`,
          after: { reason: 'locked', ipAddress },
        });
        return {
          ok: false,
          reason: 'locked',
          retryAfterSeconds: Math.ceil((account!.lockedUntil!.getTime() - now.getTime()) / 1000),
        } as const;
      }
      if (!verified || !person || !account) {
        await recordAudit(tx, {
          ...actor,
          type: 'sign_in_failed',
          summary: person
            ? `Failed sign-in from ${ipAddress}: wrong password`
            : `Failed sign-in from ${ipAddress}: no active account has this email`,
          after: { reason: person ? (account ? 'wrong_password' : 'no_local_account') : 'unknown_email', ipAddress },
        });
        if (account) notice = await this.countWrongPassword(tx, account, actor, now, ipAddress);
        return { ok: false, reason: 'invalid' } as const;
      }
      await tx.update(LocalAccount, { personId: account.personId }, { failedAttempts: 0, lockedUntil: null });
      if (needsRehash(account.passwordHash))
        await tx.update(LocalAccount, { personId: account.personId }, { passwordHash: await hashPassword(password) });
      return { ok: true, person } as const;
    });
    this.sendLockNotice(notice);
    return outcome;
  }

  /**
   * An administrator sets a person's first password or resets a forgotten one (told to them in person, never
   * emailed). The person's sessions end, since whoever knew the old password may be signed in with it; a lockout
   * ends too.
   */
  async resetPassword(
    personId: string,
    password: string,
    by: { id: string | null; label: string; sessionId?: string },
    field = 'body.password',
  ): Promise<{ endedSessions: number }> {
    const person = await this.dataSource.manager.findOneBy(Person, { id: personId });
    if (!person) throw ApiProblem.notFound('The person');
    const problem = passwordProblem(password, person.email);
    if (problem) throw ApiProblem.invalid([{ field, message: problem }]);
    const passwordHash = await hashPassword(password);
    return this.dataSource.transaction(async (tx) => {
      const existed = await tx.existsBy(LocalAccount, { personId });
      await tx.upsert(LocalAccount, { personId, passwordHash, failedAttempts: 0, lockedUntil: null, passwordChangedAt: new Date() }, [
        'personId',
      ]);
      const endedSessions = await this.endSessions(tx, personId, by.sessionId);
      await recordAudit(tx, {
        actorId: by.id,
        actorLabel: by.label,
        entityType: 'account',
        entityId: personId,
        type: existed ? 'password_reset' : 'password_set',
        summary: `${existed ? 'Reset' : 'Set'} the password of ${person.name}'s account${endedSessions ? ` and ended ${endedSessions} session(s)` : ''}`,
        after: { endedSessions },
      });
      return { endedSessions };
    });
  }

  /** A signed-in person changes their own password: the current one first; every other session of theirs ends. */
  async changeOwnPassword(identity: Identity, currentPassword: string, newPassword: string): Promise<{ endedSessions: number }> {
    const personId = identity.person.id;
    const account = await this.dataSource
      .getRepository(LocalAccount)
      .createQueryBuilder('a')
      .addSelect('a.passwordHash')
      .where('a.person_id = :id', { id: personId })
      .getOne();
    if (!account)
      throw ApiProblem.invalid([
        {
          field: 'body.currentPassword',
          message: 'you have no password here (you sign in through the identity provider): ask an administrator',
        },
      ]);
    const now = new Date();
    if (account.lockedUntil && account.lockedUntil > now)
      throw ApiProblem.invalid([
        {
          field: 'body.currentPassword',
          message: 'cannot be checked: the account is locked after too many wrong passwords, try again later',
        },
      ]);
    if (!(await verifyPassword(account.passwordHash, currentPassword))) {
      const notice = await this.dataSource.transaction(async (tx) => {
        const actor = { actorId: personId, actorLabel: identity.person.name, entityType: 'account' as const, entityId: personId };
        await recordAudit(tx, {
          ...actor,
          type: 'password_change_failed',
          summary: 'Tried to change their password with a wrong current password',
        });
        return this.countWrongPassword(tx, account, actor, now, null);
      });
      this.sendLockNotice(notice);
      throw ApiProblem.invalid([{ field: 'body.currentPassword', message: 'is not your current password' }]);
    }
    if (currentPassword === newPassword)
      throw ApiProblem.invalid([{ field: 'body.newPassword', message: 'must differ from the current password' }]);
    const problem = passwordProblem(newPassword, identity.person.email);
    if (problem) throw ApiProblem.invalid([{ field: 'body.newPassword', message: problem }]);
    const passwordHash = await hashPassword(newPassword);
    return this.dataSource.transaction(async (tx) => {
      await tx.update(LocalAccount, { personId }, { passwordHash, failedAttempts: 0, lockedUntil: null, passwordChangedAt: new Date() });
      const endedSessions = await this.endSessions(tx, personId, identity.session?.id);
      await recordAudit(tx, {
        actorId: personId,
        actorLabel: identity.person.name,
        entityType: 'account',
        entityId: personId,
        type: 'password_changed',
        summary: `Changed their password${endedSessions ? ` and ended ${endedSessions} other session(s)` : ''}`,
        after: { endedSessions },
      });
      return { endedSessions };
    });
  }

  /** Ends every live session of a person but `exceptSessionId`; returns how many ended. */
  async endSessions(manager: EntityManager, personId: string, exceptSessionId?: string): Promise<number> {
    const result = await manager.update(
      Session,
      { personId, revokedAt: IsNull(), ...(exceptSessionId ? { id: Not(exceptSessionId) } : {}) },
      { revokedAt: new Date() },
    );
    return result.affected ?? 0;
  }

  /** Revokes every live API token of a person; returns how many. */
  async revokeApiTokens(manager: EntityManager, personId: string): Promise<number> {
    const result = await manager.update(ApiToken, { personId, revokedAt: IsNull() }, { revokedAt: new Date() });
    return result.affected ?? 0;
  }

  /**
   * A wrong password counts towards the account's lockout, whether typed to sign in or to change it. Returns the
   * email telling the person, queued in `tx`, when this attempt locked the account.
   */
  private async countWrongPassword(
    tx: EntityManager,
    account: LocalAccount,
    actor: { actorId: string | null; actorLabel: string; entityType: 'account'; entityId: string },
    now: Date,
    ipAddress: string | null,
  ): Promise<OutboundEmail | null> {
    // Counted in the row, so two wrong passwords at the same moment cannot both lock the account (and email twice).
    const counted = await tx
      .createQueryBuilder()
      .update(LocalAccount)
      .set({ failedAttempts: () => 'failed_attempts + 1' })
      .where('person_id = :personId', { personId: account.personId })
      .returning('failed_attempts')
      .execute();
    const failures = Number((counted.raw as { failed_attempts: number }[])[0]?.failed_attempts ?? account.failedAttempts + 1);
    if (failures < this.settings.maxFailures) return null;
    const lockedUntil = new Date(now.getTime() + this.settings.lockoutMinutes * 60_000);
    await tx.update(LocalAccount, { personId: account.personId }, { failedAttempts: 0, lockedUntil });
    await recordAudit(tx, {
      ...actor,
      type: 'account_locked',
      summary: `Locked the account for ${this.settings.lockoutMinutes} minutes after ${failures} wrong passwords`,
      after: { lockedUntil: lockedUntil.toISOString() },
    });
    if (!this.lockNotices) return null;
    const person = await tx.findOneByOrFail(Person, { id: account.personId });
    return queueLockNotice(tx, person, { until: lockedUntil, failures, ipAddress }, this.lockNotices.forceName);
  }

  /**
   * Sends a lock notice once its transaction has committed, without anyone waiting: how long the mail server takes
   * must not tell a caller that the address has an account. A refused email is marked failed in the outbox.
   */
  private sendLockNotice(row: OutboundEmail | null): void {
    if (!row || !this.lockNotices) return;
    const { mailer } = this.lockNotices;
    const work = sendNow(this.dataSource, mailer, row, new URL(this.settings.publicUrl).hostname).catch(() => null);
    mailer.finishBeforeClosing?.(work);
  }

  // --- sessions ------------------------------------------------------------------------------------------------

  /** Starts a session for a person who has just proved who they are; returns the cookie's token. */
  async startSession(
    person: Person,
    method: SignInMethod,
    request: { ipAddress: string; userAgent: string | null },
  ): Promise<{ token: string; session: Session }> {
    const token = randomToken();
    const now = new Date();
    const session = await this.dataSource.transaction(async (tx) => {
      const row = await tx.save(
        tx.create(Session, {
          id: sha256Hex(token),
          personId: person.id,
          csrfToken: randomToken(),
          method,
          lastSeenAt: now,
          expiresAt: new Date(now.getTime() + this.settings.sessionHours * 3_600_000),
          revokedAt: null,
          ipAddress: request.ipAddress,
          userAgent: request.userAgent?.slice(0, 500) ?? null,
        }),
      );
      await recordAudit(tx, {
        actorId: person.id,
        actorLabel: personLabel(person),
        entityType: 'account',
        entityId: person.id,
        type: 'signed_in',
        summary: `Signed in ${method === 'oidc' ? 'through the identity provider' : 'with a password'} from ${request.ipAddress}`,
        after: { method, ipAddress: request.ipAddress },
      });
      return row;
    });
    return { token, session };
  }

  /** The identity behind a session cookie, or null when it is unknown, ended, idle too long, or its person left. */
  async sessionIdentity(token: string): Promise<Identity | null> {
    if (!token || token.length > 200) return null;
    const id = sha256Hex(token);
    const session = await this.dataSource.manager.findOne(Session, { where: { id }, relations: { person: true } });
    const now = Date.now();
    if (!session || session.revokedAt || session.expiresAt.getTime() <= now || !session.person.active) return null;
    if (session.lastSeenAt.getTime() + this.settings.sessionIdleMinutes * 60_000 <= now) return null;
    if (now - session.lastSeenAt.getTime() > 60_000) await this.dataSource.manager.update(Session, { id }, { lastSeenAt: new Date(now) });
    const { person } = session;
    return {
      person: { id: person.id, name: person.name, email: person.email, roles: person.roles },
      via: 'session',
      session: { id, csrfToken: session.csrfToken },
    };
  }

  async endSession(identity: Identity): Promise<void> {
    if (!identity.session) return;
    await this.dataSource.transaction(async (tx) => {
      await tx.update(Session, { id: identity.session!.id }, { revokedAt: new Date() });
      await recordAudit(tx, {
        actorId: identity.person.id,
        actorLabel: identity.person.name,
        entityType: 'account',
        entityId: identity.person.id,
        type: 'signed_out',
        summary: 'Signed out',
      });
    });
  }

  // --- API tokens ----------------------------------------------------------------------------------------------

  /** Issues a token for `personId`; the token is returned once and never again. */
  async issueApiToken(
    input: { personId: string; name: string; expiresAt: Date | null },
    by: { id: string | null; label: string },
  ): Promise<{ token: string; row: ApiToken }> {
    const token = `rt_${randomToken()}`;
    const row = await this.dataSource.transaction(async (tx) => {
      const person = await tx.findOneBy(Person, { id: input.personId });
      if (!person) throw new Error('no person has this id');
      const saved = await tx.save(
        tx.create(ApiToken, {
          personId: input.personId,
          name: input.name,
          tokenHash: sha256Hex(token),
          prefix: token.slice(0, 10),
          createdBy: by.id,
          expiresAt: input.expiresAt,
          lastUsedAt: null,
          revokedAt: null,
        }),
      );
      await recordAudit(tx, {
        actorId: by.id,
        actorLabel: by.label,
        entityType: 'api_token',
        entityId: saved.id,
        type: 'api_token_issued',
        summary: `Issued API token "${input.name}" (${saved.prefix}…) acting as ${person.name}`,
        after: { personId: input.personId, name: input.name, prefix: saved.prefix, expiresAt: input.expiresAt?.toISOString() ?? null },
      });
      const { tokenHash: _hash, ...rest } = saved;
      return rest as ApiToken;
    });
    return { token, row };
  }

  async apiTokenIdentity(token: string): Promise<Identity | null> {
    if (!token.startsWith('rt_') || token.length > 200) return null;
    // Every API request comes through here: one plain query, no entity mapping.
    const [row] = (await this.dataSource.query(
      `SELECT t.id, t.revoked_at AS "revokedAt", t.expires_at AS "expiresAt", t.last_used_at AS "lastUsedAt",
              p.id AS "personId", p.name, p.email, p.roles, p.active
         FROM api_tokens t JOIN people p ON p.id = t.person_id
        WHERE t.token_hash = $1`,
      [sha256Hex(token)],
    )) as {
      id: string;
      revokedAt: Date | null;
      expiresAt: Date | null;
      lastUsedAt: Date | null;
      personId: string;
      name: string;
      email: string;
      roles: Role[];
      active: boolean;
    }[];
    const now = Date.now();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now) || !row.active) return null;
    if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > 60_000)
      await this.dataSource.query(`UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, [row.id, new Date(now)]);
    return { person: { id: row.personId, name: row.name, email: row.email, roles: row.roles }, via: 'api_token', tokenId: row.id };
  }

  async listApiTokens(personId: string | null): Promise<ApiToken[]> {
    return this.dataSource.manager.find(ApiToken, { where: personId ? { personId } : {}, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  async findApiToken(id: string): Promise<ApiToken | null> {
    return this.dataSource.manager.findOneBy(ApiToken, { id });
  }

  async revokeApiToken(row: ApiToken, by: { id: string | null; label: string }): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.update(ApiToken, { id: row.id }, { revokedAt: new Date() });
      await recordAudit(tx, {
        actorId: by.id,
        actorLabel: by.label,
        entityType: 'api_token',
        entityId: row.id,
        type: 'api_token_revoked',
        summary: `Revoked API token "${row.name}" (${row.prefix}…)`,
      });
    });
  }
}
