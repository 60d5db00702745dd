import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable the product reads, in one schema. Parsed once at start;
 * a bad value stops the program with a message naming the variable and what is wrong.
 * `docker-compose.yml` is checked against this schema by a test, so the two cannot drift.
 */

const port = z.coerce
  .number({ error: 'must be a port number from 1 to 65535' })
  .int('must be a port number from 1 to 65535')
  .min(1, 'must be a port number from 1 to 65535')
  .max(65535, 'must be a port number from 1 to 65535');

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be one of true, false, 1, 0, yes, no' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** auto: one readable line an entry when stdout is a terminal (outside production), JSON otherwise; pretty or json to choose. */
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json'], { message: 'must be auto, pretty or json' }).default('auto'),

  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: port.default(3000),
  PUBLIC_URL: url(['http:', 'https:']).optional(),

  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: port.default(54329),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port, for example temporal:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('recommendations'),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: url(['http:', 'https:']).optional(),
  /** Workflows the worker keeps in memory between their tasks; unset: the SDK's size, from the heap limit. */
  TEMPORAL_WORKER_CACHED_WORKFLOWS: z.coerce
    .number({ error: 'must be a number of workflows' })
    .int('must be a whole number of workflows')
    .min(100, 'must be at least 100')
    .max(1_000_000, 'must be at most 1000000')
    .optional(),

  /** The worker process serves GET /metrics (Prometheus) on this port, at HTTP_HOST; unset: it serves none. */
  WORKER_METRICS_PORT: port.optional(),
  /** With WORKER_METRICS_PORT: the loopback port where the Temporal SDK's own exporter listens; the worker's /metrics reads it. */
  TEMPORAL_SDK_METRICS_PORT: port.default(9465),

  /** OpenTelemetry traces: the OTLP/HTTP collector's base URL (spans go to <endpoint>/v1/traces); none sent when unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  /** The service the traces name; by default the process's role: api, worker, or recommendation-tracker for `npm start`. */
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),

  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  SMTP_SINK_PORT: port.default(2525),
  MAIL_FROM: z.string().min(3).default('Recommendation Tracker <no-reply@recommendations.localhost>'),

  FORCE_NAME: z.string().min(1).default('Demo Constabulary'),
  EVIDENCE_MAX_MB: z.coerce
    .number({ error: 'must be a number of megabytes' })
    .positive('must be more than 0')
    .max(500, 'must be at most 500')
    .default(20),
  /** clamd (ClamAV) to scan every evidence file before it is kept: host:port or the path of its socket. Unset: no scanning. */
  CLAMAV_ADDRESS: z
    .string()
    .regex(
      /^(\/\S+|[^\s:/[\]]+:\d{1,5}|\[[0-9a-fA-F:.]+\]:\d{1,5})$/,
      'must be host:port (for example clamav:3310) or the path of clamd’s socket (for example /run/clamav/clamd.ctl)',
    )
    .optional(),
  /** An imported tracker's size: rows under the header, columns, characters in a cell. Past them the import answers 413 or 422. */
  IMPORT_MAX_ROWS: z.coerce
    .number({ error: 'must be a number of rows' })
    .int('must be a whole number of rows')
    .min(1, 'must be at least 1')
    .max(1_000_000, 'must be at most 1000000')
    .default(100_000),
  IMPORT_MAX_COLUMNS: z.coerce
    .number({ error: 'must be a number of columns' })
    .int('must be a whole number of columns')
    .min(22, 'must be at least 22 (the template’s columns)')
    .max(16_384, 'must be at most 16384')
    .default(64),
  IMPORT_MAX_CELL_CHARS: z.coerce
    .number({ error: 'must be a number of characters' })
    .int('must be a whole number of characters')
    .min(1_000, 'must be at least 1000')
    .max(1_000_000, 'must be at most 1000000')
    .default(32_768),
  DEMO_DATA: booleanFlag.default(true),

  /** Signs email action links and sign-in form tokens. Required in production; generated into DATA_DIR otherwise. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (for example the output of `openssl rand -hex 32`)').optional(),
  SESSION_HOURS: z.coerce
    .number({ error: 'must be a number of hours' })
    .int('must be a whole number of hours')
    .min(1, 'must be at least 1')
    .max(168, 'must be at most 168 (a week)')
    .default(12),
  SESSION_IDLE_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(5, 'must be at least 5')
    .max(1440, 'must be at most 1440 (a day)')
    .default(120),
  SIGN_IN_MAX_FAILURES: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(3, 'must be at least 3')
    .max(20, 'must be at most 20')
    .default(5),
  SIGN_IN_LOCKOUT_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1')
    .max(1440, 'must be at most 1440')
    .default(15),
  OIDC_ISSUER_URL: url(['https:', 'http:']).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_PROVIDER_NAME: z.string().min(1).max(100).default('your force account'),
  /** With OIDC: people made administrators on their first sign-in through the identity provider (comma-separated). */
  ADMIN_EMAILS: z
    .string()
    .transform((value) => [
      ...new Set(
        value
          .split(',')
          .map((e) => e.trim().toLowerCase())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.email({ message: 'must be email addresses separated by commas' })).max(50, 'must be at most 50 addresses'))
    .default([]),
  /**
   * Which proxies' X-Forwarded-For to believe, as express reads it: "loopback" (the default), a subnet such as
   * "10.0.0.0/8", several separated by commas, or a number of hops. Sign-in rate limits count per client address.
   */
  TRUST_PROXY: z
    .string()
    .regex(
      /^(loopback|linklocal|uniquelocal|\d{1,2}|[\d.:/a-f]+)(,\s*(loopback|linklocal|uniquelocal|[\d.:/a-f]+))*$/i,
      'must be loopback, a subnet such as 10.0.0.0/8 (several separated by commas), or a number of proxy hops',
    )
    .default('loopback'),
  /** How often the API process compares every open item's workflow with PostgreSQL (catching up those behind); 0: never. */
  CONSISTENCY_CHECK_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(0, 'must be 0 (off) or more')
    .max(1440, 'must be at most 1440 (a day)')
    .default(15),
  /** How often the API process signs the audit trail's head and verifies the whole trail; 0: never. */
  AUDIT_CHECKPOINT_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(0, 'must be 0 (off) or more')
    .max(1440, 'must be at most 1440 (a day)')
    .default(60),
  /** Where each signed audit checkpoint is also emailed, out of the database owner's reach (e.g. the force's information assurance mailbox). */
  AUDIT_CHECKPOINT_EMAIL: z.email({ message: 'must be an email address' }).optional(),
  ACTION_LINK_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(60, 'must be at most 60')
    .default(14),
});

export type Config = z.output<typeof configSchema> & {
  /** Resolved values derived from the raw variables. */
  publicUrl: string;
  dataDir: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const configVariableNames = Object.keys(configSchema.shape) as (keyof typeof configSchema.shape)[];

/** Parses the environment; empty strings count as unset, as shells and compose files produce them. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const raw: Record<string, string> = {};
  for (const name of configVariableNames) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim();
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(environment)');
        const given = raw[name] === undefined ? '' : ` (got "${raw[name]}")`;
        return `${name}: ${issue.message}${given}`;
      }),
    );
  }
  const values = parsed.data;
  const problems: string[] = [];
  if (values.NODE_ENV === 'production' && !values.SESSION_SECRET) {
    problems.push(
      'SESSION_SECRET: must be set in production: at least 32 random characters, for example the output of `openssl rand -hex 32`',
    );
  }
  const oidc = (['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const).filter((name) => values[name] !== undefined);
  if (oidc.length > 0 && oidc.length < 3) {
    problems.push(
      `OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all three to sign in through the identity provider, or none (only ${oidc.join(', ')} set)`,
    );
  }
  if (values.ADMIN_EMAILS.length && oidc.length < 3) {
    problems.push(
      'ADMIN_EMAILS: only works with sign-in through the identity provider (OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET); without it, create the first administrator at /setup or with `npm run admin`',
    );
  }
  if (values.NODE_ENV === 'production' && values.OIDC_ISSUER_URL?.startsWith('http:')) {
    problems.push('OIDC_ISSUER_URL: must start with https:// in production');
  }
  if (values.WORKER_METRICS_PORT !== undefined && values.WORKER_METRICS_PORT === values.TEMPORAL_SDK_METRICS_PORT) {
    problems.push(`WORKER_METRICS_PORT and TEMPORAL_SDK_METRICS_PORT: must be different ports (both ${values.WORKER_METRICS_PORT})`);
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    ...values,
    publicUrl: (values.PUBLIC_URL ?? `http://localhost:${values.HTTP_PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(cwd, values.DATA_DIR),
  };
}

/** The worker's /metrics when WORKER_METRICS_PORT is set: ours on HTTP_HOST, the Temporal SDK's exporter on loopback. */
export function workerMetricsSettings(
  config: Pick<Config, 'HTTP_HOST' | 'WORKER_METRICS_PORT' | 'TEMPORAL_SDK_METRICS_PORT'>,
): { host: string; port: number; temporalSdkAddress: string } | undefined {
  if (!config.WORKER_METRICS_PORT) return undefined;
  return { host: config.HTTP_HOST, port: config.WORKER_METRICS_PORT, temporalSdkAddress: `127.0.0.1:${config.TEMPORAL_SDK_METRICS_PORT}` };
}

/** The identity provider's settings when all three OIDC variables are set. */
export function oidcSettings(
  config: Config,
): { issuerUrl: string; clientId: string; clientSecret: string; providerName: string; redirectUri: string } | null {
  if (!config.OIDC_ISSUER_URL || !config.OIDC_CLIENT_ID || !config.OIDC_CLIENT_SECRET) return null;
  return {
    issuerUrl: config.OIDC_ISSUER_URL,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    providerName: config.OIDC_PROVIDER_NAME,
    redirectUri: `${config.publicUrl}/sign-in/oidc/callback`,
  };
}

/**
 * SESSION_SECRET, or (outside production) a random one generated once and kept in DATA_DIR/session-secret, readable
 * by this user only, so email links keep working across restarts.
 */
export function sessionSecret(config: Pick<Config, 'SESSION_SECRET' | 'NODE_ENV' | 'dataDir'>): string {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  if (config.NODE_ENV === 'production') throw new ConfigError(['SESSION_SECRET: must be set in production']);
  const file = path.join(config.dataDir, 'session-secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = randomBytes(32).toString('hex');
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  return generated;
}

/** Tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set, the service named by OTEL_SERVICE_NAME or the process's role. */
export function tracingSettings(
  config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>,
  role: string,
): { endpoint: string; serviceName: string } | undefined {
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: config.OTEL_SERVICE_NAME ?? role };
}
