import os from 'node:os';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { PasswordLinkService } from '../api/auth/passwordLinks';
import { AuthService } from '../api/auth/service';
import { authSettingsFromConfig } from '../api/auth/settings';
import { newPersonSchema } from '../api/people/schemas';
import { ApiProblem } from '../platform/http/problem';
import { AdministratorExists, createFirstAdministrator } from '../api/auth/firstAdministrator';
import { Person } from '../entities';
import { configureOrExit } from './configure';
import { withDatabase } from './database';

/**
 * The first administrator, from a terminal on the server:
 *
 *   npm run admin -- create --email hannah.whitcombe@force.police.uk --name "Hannah Whitcombe"
 *   npm run admin -- link --email hannah.whitcombe@force.police.uk
 *
 * `create` makes the person an administrator, with no password yet, and prints a one-time set-password link
 * (PASSWORD_LINK_HOURS); it refuses once an administrator exists. `link` prints a new link for an existing
 * administrator who cannot sign in (the first one's link expired unused, or a forgotten password with nobody else to
 * reset it). In the compose deployment: `docker compose exec api node dist/bin/admin.js create --email … --name …`.
 *
 * It reads DATABASE_URL, or the embedded PostgreSQL of `npm start` (running or not), and makes the link with
 * SESSION_SECRET (or DATA_DIR/session-secret) and PUBLIC_URL, which must be the running product's. Exit code 0 done,
 * 1 refused or failed, 2 bad arguments.
 */

export type AdminArguments = { command: 'create'; email: string; name: string } | { command: 'link'; email: string };

export const usageText = `usage: npm run admin -- create --email <email> --name "<full name>"
       npm run admin -- link --email <email of an administrator>
  create   the first administrator; prints a one-time link with which they choose their password
  link     a new link for an administrator who cannot sign in (the first link expired, a forgotten password)
In the docker compose deployment: docker compose exec api node dist/bin/admin.js create --email … --name …`;

/** The command line, or what is wrong with it. */
export function parseArguments(argv: string[]): AdminArguments | { problem: string } {
  const [command, ...rest] = argv;
  if (command !== 'create' && command !== 'link')
    return { problem: command ? `unknown command "${command}"` : 'name the command: create or link' };
  const flags: Record<string, string> = {};
  for (let index = 0; index < rest.length; index++) {
    const match = /^--(email|name)(?:=(.*))?$/.exec(rest[index]!);
    if (!match) return { problem: `unknown argument "${rest[index]}"` };
    const value = match[2] ?? rest[++index];
    if (value === undefined) return { problem: `--${match[1]} needs a value` };
    flags[match[1]!] = value;
  }
  const email = newPersonSchema.shape.email.safeParse(flags.email ?? '');
  if (!email.success) return { problem: `--email ${flags.email === undefined ? 'is needed' : email.error.issues[0]!.message}` };
  if (command === 'link') return flags.name === undefined ? { command, email: email.data } : { problem: '--name is for create only' };
  const name = newPersonSchema.shape.name.safeParse(flags.name ?? '');
  if (!name.success) return { problem: `--name ${flags.name === undefined ? 'is needed' : name.error.issues[0]!.message}` };
  return { command, email: email.data, name: name.data };
}

export interface AdminCommandContext {
  dataSource: DataSource;
  /** Issues links without emailing them. */
  passwordLinks: PasswordLinkService;
  publicUrl: string;
  /** Who ran the command, for the audit trail. */
  actorLabel: string;
}

const londonTime = (date: Date) => date.toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' });

const linkLines = (context: AdminCommandContext, link: { url: string; expiresAt: Date }) => [
  `Open this link to choose the password (or give it to them). It works once, until ${londonTime(link.expiresAt)} (London time):`,
  '',
  `  ${link.url}`,
  '',
  `Then sign in at ${context.publicUrl}/sign-in`,
];

/** What the command does, given its arguments and a database: the text to print and the exit code. */
export async function runAdminCommand(args: AdminArguments, context: AdminCommandContext): Promise<{ exitCode: 0 | 1; text: string }> {
  const by = { id: null, label: context.actorLabel };
  if (args.command === 'link') {
    const person = await context.dataSource.manager.findOneBy(Person, { email: args.email });
    if (!person?.active || !person.roles.includes('administrator')) {
      return {
        exitCode: 1,
        text: `${args.email} is not an active administrator here, so no link was made. This command makes links for administrators only: an administrator sends anyone else one from ${context.publicUrl}/admin/people.\n`,
      };
    }
    const link = await context.passwordLinks.issue(person.id, by);
    return {
      exitCode: 0,
      text: [`A new link for ${person.name} <${person.email}>; earlier ones no longer work.`, '', ...linkLines(context, link), ''].join(
        '\n',
      ),
    };
  }
  try {
    const { person, more: link } = await createFirstAdministrator(
      context.dataSource,
      { name: args.name, email: args.email },
      { label: context.actorLabel, via: 'command' },
      (tx, created) => context.passwordLinks.issue(created.id, by, tx),
    );
    return {
      exitCode: 0,
      text: [`Created the first administrator: ${person.name} <${person.email}>.`, '', ...linkLines(context, link!), ''].join('\n'),
    };
  } catch (error) {
    if (error instanceof AdministratorExists) {
      const { email } = error.administrator;
      return {
        exitCode: 1,
        text: [
          `There is already an administrator, ${error.administrator.name} <${email}>: nothing was changed.`,
          `Sign in as an administrator and add people at ${context.publicUrl}/admin/people (an administrator can send anyone a link to choose a password).`,
          'If no administrator can sign in, print one of them a new link:',
          `  npm run admin -- link --email ${email}`,
          '',
        ].join('\n'),
      };
    }
    if (error instanceof ApiProblem && error.status === 400)
      return {
        exitCode: 1,
        text: `Nothing was changed: ${error.errors.map((e) => `${e.field.replace(/^body\./, '--')} ${e.message}`).join('; ')}.\n`,
      };
    throw error;
  }
}

function actorLabel(): string {
  let user = 'unknown user';
  try {
    user = os.userInfo().username;
  } catch {
    // a container user without a passwd entry
  }
  return `Admin command (${user} on ${os.hostname()})`;
}

async function main(): Promise<number> {
  if (['--help', '-h', 'help'].includes(process.argv[2] ?? '')) {
    process.stdout.write(`${usageText}\n`);
    return 0;
  }
  const { config } = configureOrExit('admin');
  const args = parseArguments(process.argv.slice(2));
  if ('problem' in args) {
    process.stderr.write(`${args.problem}\n${usageText}\n`);
    return 2;
  }
  // Logs go to stderr and only when something is wrong: stdout is for the link.
  const logger = pino({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, name: 'admin' }, pino.destination(2));
  return withDatabase(config, logger, { poolSize: 2 }, async (dataSource) => {
    try {
      const auth = new AuthService(dataSource, authSettingsFromConfig(config));
      const passwordLinks = new PasswordLinkService(dataSource, auth, null, config.FORCE_NAME);
      const result = await runAdminCommand(args, { dataSource, passwordLinks, publicUrl: config.publicUrl, actorLabel: actorLabel() });
      (result.exitCode === 0 ? process.stdout : process.stderr).write(result.text);
      return result.exitCode;
    } catch (error) {
      if ((error as { code?: unknown }).code === '42P01')
        throw new Error(
          'the database has no tables yet: run the migrations first (npm run migrate, or the compose migrate job), or start the product once',
        );
      throw error;
    }
  });
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`Nothing was done: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
