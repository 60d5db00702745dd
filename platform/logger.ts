import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; readable lines instead when a person watches a terminal in development. */
export function createLogger(options: { level: string; pretty?: boolean; name?: string }): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY && process.env.NODE_ENV !== 'production');
  const redact = { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'], censor: '[redacted]' };
  if (pretty) {
    try {
      require.resolve('pino-pretty');
      return pino({
        level: options.level,
        name: options.name,
        redact,
        transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } },
      });
    } catch {
      // pino-pretty is a development dependency; production images log JSON.
    }
  }
  return pino({ level: options.level, name: options.name, redact });
}
