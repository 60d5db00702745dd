import { ConfigError, loadConfig, type Config } from '../config/config';
import { createLogger, type Logger } from '../platform/logger';

/** Parses the configuration once at start; a bad value stops the program with what is wrong and where. */
export function configureOrExit(name: string): { config: Config; logger: Logger } {
  try {
    const config = loadConfig();
    return { config, logger: createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, name }) };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `${error.message}\nFix the environment variable(s) above and start again. docs/configuration.md lists every variable.\n`,
      );
      process.exit(2);
    }
    throw error;
  }
}

/** Runs `stop` once on Ctrl-C or SIGTERM; a second Ctrl-C exits at once. */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('stopping immediately');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'stopping (press Ctrl-C again to stop immediately)');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Stops the program with a message for a person: plain text on stderr, and the structured log line. */
export function exitWith(logger: Logger, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  logger.fatal({ err: error instanceof Error ? error : undefined }, message);
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}
