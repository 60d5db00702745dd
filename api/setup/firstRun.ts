import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { SetupCode, SignInAttempt, type Person } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { hashPassword, passwordProblem } from '../../platform/passwords';
import { sameSecret } from '../../platform/secrets';
import { newPassword, newPersonSchema } from '../people/schemas';
import { ApiProblem, parseInput, type FieldProblem } from '../../platform/http/problem';
import { AdministratorExists, anAdministrator, createFirstAdministrator } from '../auth/firstAdministrator';
import { newSetupCode, setupCodeHash } from './setupCode';

/** Wrong set-up codes from one address within the window before it must wait (as sign-in's ADDRESS_LIMIT). */
export const SETUP_ATTEMPT_LIMIT = { failures: 10, windowMinutes: 15 };

/** How a set-up attempt is written in sign_in_attempts, where sign-in's own rate limit also counts it. */
const ATTEMPT_EMAIL = '(set-up code)';

export interface SetupForm {
  code: string;
  name: string;
  email: string;
  password: string;
  confirm: string;
}

const personSchema = z.object({ name: newPersonSchema.shape.name, email: newPersonSchema.shape.email, password: newPassword });

/**
 * The first run of a product nobody administers yet. Each API process that starts then makes a one-time set-up code,
 * prints it in its log, and stores only its hash, so behind a load balancer any process accepts any process's code.
 * The code opens /setup, which creates the first administrator; then every code is void. A wrong code counts towards
 * a per-address limit kept in PostgreSQL, so it holds across processes too.
 */
export class FirstRun {
  private administeredSeen = false;
  private own: { id: string; code: string } | null = null;

  constructor(private readonly dataSource: DataSource) {}

  /** The code this process made at start, while it still works here (for the start banner and tests). */
  get code(): string | null {
    return this.administeredSeen ? null : (this.own?.code ?? null);
  }

  /** Whether an active administrator exists. Once one does it always will (nobody can remove the last), so that is kept. */
  async administered(): Promise<boolean> {
    if (!this.administeredSeen) this.administeredSeen = !!(await anAdministrator(this.dataSource.manager));
    return this.administeredSeen;
  }

  /** At the start of an API process: when nobody administers the product, makes and returns this process's code. */
  async start(): Promise<string | null> {
    if (await this.administered()) return null;
    const id = randomUUID();
    const code = newSetupCode();
    const host = os.hostname();
    await this.dataSource.transaction(async (tx) => {
      await tx.insert(SetupCode, { id, codeHash: setupCodeHash(code), issuedBy: host });
      await recordAudit(tx, {
        actorId: null,
        actorLabel: 'Recommendation tracker',
        entityType: 'setup_code',
        entityId: id,
        type: 'setup_code_issued',
        summary: `Nobody administers the product yet: the API process on ${host} made a set-up code for /setup and printed it in its log`,
        after: { host },
      });
    });
    this.own = { id, code };
    return code;
  }

  /** When the process stops, its code stops working: each start prints a new one. */
  async stop(): Promise<void> {
    const own = this.own;
    this.own = null;
    if (!own) return;
    await this.dataSource.transaction(async (tx) => {
      const removed = await tx.delete(SetupCode, { id: own.id });
      if (!removed.affected) return;
      await recordAudit(tx, {
        actorId: null,
        actorLabel: 'Recommendation tracker',
        entityType: 'setup_code',
        entityId: own.id,
        type: 'setup_code_withdrawn',
        summary: 'The API process that made this set-up code stopped: the code no longer works',
      });
    });
  }

  /**
   * The set-up page's form: with a right code and acceptable details, creates the first administrator with that
   * password. Every problem with the form comes back at once (400); a wrong code is recorded and audited; an address
   * with too many wrong codes lately gets 429; once an administrator exists, AdministratorExists (409).
   */
  async complete(form: SetupForm, request: { ipAddress: string }): Promise<Person> {
    const administrator = await anAdministrator(this.dataSource.manager);
    if (administrator) throw new AdministratorExists(administrator);
    await this.refuseWhenLimited(request.ipAddress);

    const problems: FieldProblem[] = [];
    let details: z.output<typeof personSchema> | null = null;
    try {
      details = parseInput(personSchema, { name: form.name, email: form.email, password: form.password });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      problems.push(...error.errors);
    }
    const passwordIssue = details && passwordProblem(details.password, details.email);
    if (passwordIssue) problems.push({ field: 'body.password', message: passwordIssue });
    if (form.password !== form.confirm) problems.push({ field: 'body.confirm', message: 'must be the same as the password' });

    const code = form.code.trim();
    if (!code) problems.unshift({ field: 'body.code', message: 'must not be empty: copy it from the log of the running product' });
    else if (!(await this.codeMatches(code))) {
      await this.recordWrongCode(request.ipAddress);
      problems.unshift({
        field: 'body.code',
        message: 'is not right: copy it from the log of the running product (each start prints a new one)',
      });
    }
    if (problems.length || !details) throw ApiProblem.invalid(problems);

    const { person } = await createFirstAdministrator(
      this.dataSource,
      { name: details.name, email: details.email, passwordHash: await hashPassword(details.password) },
      { label: `Set-up page, from ${request.ipAddress}`, via: 'setup_page' },
    );
    this.administeredSeen = true;
    return person;
  }

  /** Compares the code with every stored hash, each in constant time, without stopping at a match. */
  private async codeMatches(code: string): Promise<boolean> {
    const hash = setupCodeHash(code);
    const rows = await this.dataSource.manager.find(SetupCode, { select: { id: true, codeHash: true } });
    let matched = false;
    for (const row of rows) matched = sameSecret(hash, row.codeHash) || matched;
    return matched;
  }

  private async refuseWhenLimited(ipAddress: string): Promise<void> {
    const since = new Date(Date.now() - SETUP_ATTEMPT_LIMIT.windowMinutes * 60_000);
    const failures = await this.dataSource
      .getRepository(SignInAttempt)
      .createQueryBuilder('a')
      .where('a.ip_address = :ipAddress AND a.email = :email AND a.attempted_at > :since AND NOT a.succeeded', {
        ipAddress,
        email: ATTEMPT_EMAIL,
        since,
      })
      .getCount();
    if (failures < SETUP_ATTEMPT_LIMIT.failures) return;
    await recordAudit(this.dataSource.manager, {
      actorId: null,
      actorLabel: `Set-up page, from ${ipAddress}`,
      entityType: 'setup_code',
      entityId: 'setup',
      type: 'setup_rate_limited',
      summary: `Refused a set-up attempt from ${ipAddress}: ${failures} wrong set-up codes from this address in ${SETUP_ATTEMPT_LIMIT.windowMinutes} minutes`,
    });
    const seconds = SETUP_ATTEMPT_LIMIT.windowMinutes * 60;
    throw new ApiProblem(
      429,
      'Too many wrong set-up codes',
      `Too many wrong set-up codes from this address: try again in ${SETUP_ATTEMPT_LIMIT.windowMinutes} minutes.`,
      [],
      { 'Retry-After': String(seconds) },
    );
  }

  private async recordWrongCode(ipAddress: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.insert(SignInAttempt, { email: ATTEMPT_EMAIL, ipAddress, succeeded: false, attemptedAt: new Date() });
      await recordAudit(tx, {
        actorId: null,
        actorLabel: `Set-up page, from ${ipAddress}`,
        entityType: 'setup_code',
        entityId: 'setup',
        type: 'setup_code_refused',
        summary: `Refused a wrong set-up code from ${ipAddress}`,
        after: { ipAddress },
      });
    });
  }
}
