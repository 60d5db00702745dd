import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Logger } from '../platform/logger';
import { goBinDir, isExecutable } from './goBinaries';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export const HOW_TO_INSTALL_TEMPORAL_CLI = [
  'The Temporal CLI (`temporal`) was not found and could not be built.',
  'Install it in one of these ways, then start again:',
  `  - with Go 1.23 or newer: go install ${TEMPORAL_CLI_MODULE}   (puts it in $(go env GOPATH)/bin)`,
  '  - or download a release from the Temporal CLI releases page and set TEMPORAL_CLI_PATH=/path/to/temporal',
  '  - or point TEMPORAL_ADDRESS at a Temporal server you already run (host:port).',
].join('\n');

/** Finds the CLI in this order: TEMPORAL_CLI_PATH, PATH, $(go env GOPATH)/bin. */
export function findTemporalCli(configuredPath: string | undefined, envPath = process.env.PATH ?? ''): string | null {
  if (configuredPath) {
    if (!isExecutable(configuredPath)) throw new Error(`TEMPORAL_CLI_PATH: ${configuredPath} is not an executable file`);
    return configuredPath;
  }
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'temporal');
    if (isExecutable(candidate)) return candidate;
  }
  const goBin = goBinDir();
  if (goBin && isExecutable(path.join(goBin, 'temporal'))) return path.join(goBin, 'temporal');
  return null;
}

/** Builds the CLI once with `go install`; returns its path, or null when Go is missing or the build fails. */
export async function buildTemporalCli(logger: Logger): Promise<string | null> {
  const goBin = goBinDir();
  if (!goBin) return null;
  logger.warn(`Building the Temporal CLI once with "go install ${TEMPORAL_CLI_MODULE}". This takes a few minutes the first time.`);
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn('go', ['install', TEMPORAL_CLI_MODULE], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', () => resolve(-1));
    child.on('close', (code) => resolve(code ?? -1));
  });
  const built = path.join(goBin, 'temporal');
  if (exitCode !== 0 || !isExecutable(built)) {
    logger.error({ exitCode }, 'go install of the Temporal CLI failed');
    return null;
  }
  return built;
}

export async function findOrBuildTemporalCli(configuredPath: string | undefined, logger: Logger): Promise<string> {
  const found = findTemporalCli(configuredPath) ?? (await buildTemporalCli(logger));
  if (!found) throw new Error(HOW_TO_INSTALL_TEMPORAL_CLI);
  return found;
}
