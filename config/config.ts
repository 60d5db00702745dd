import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable the product reads, in one schema. Parsed once at start;
 * a bad value stops the program with a message naming the variable and what is wrong.
 * `docker-compose.yml` is checked against this schema by a test, so the two cannot drift.
 */

const port = z.coerce.number({ error: 'must be a port number from 1 to 65535' }).int('must be a port number from 1 to 65535').min(1, 'must be a port number from 1 to 65535').max(65535, 'must be a port number from 1 to 65535');

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

  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  SMTP_SINK_PORT: port.default(2525),
  MAIL_FROM: z.string().min(3).default('Recommendation Tracker <no-reply@recommendations.localhost>'),

  FORCE_NAME: z.string().min(1).default('Demo Constabulary'),
  EVIDENCE_MAX_MB: z.coerce.number({ error: 'must be a number of megabytes' }).positive('must be more than 0').max(500, 'must be at most 500').default(20),
  DEMO_DATA: booleanFlag.default(true),
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
  return {
    ...values,
    publicUrl: (values.PUBLIC_URL ?? `http://localhost:${values.HTTP_PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(cwd, values.DATA_DIR),
  };
}
