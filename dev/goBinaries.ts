import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../platform/logger';

/**
 * Programs the product runs but does not ship, built from the Go module proxy: found through an environment variable,
 * then PATH, then `$(go env GOPATH)/bin`, else built once there with `go install` (cached for every later run).
 */
export interface GoProgram {
  /** The executable's name as `go install` writes it. */
  binary: string;
  /** The variable that names it explicitly, e.g. TEMPORAL_SERVER_PATH. */
  variable: string;
  /** module/path@version for `go install`. */
  module: string;
  /** What it is, for messages. */
  description: string;
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function goEnv(name: string): string | null {
  try {
    const value = execFileSync('go', ['env', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return value ? value.split(path.delimiter)[0]! : null;
  } catch {
    return null;
  }
}

export function goBinDir(): string | null {
  const gopath = goEnv('GOPATH');
  return gopath ? path.join(gopath, 'bin') : null;
}

/** Where Go keeps the source of `module@version` once downloaded (go install downloads it), or null. */
export function goModuleDir(moduleAtVersion: string): string | null {
  const cache = goEnv('GOMODCACHE');
  if (!cache) return null;
  // The module cache spells capital letters as !lowercase.
  const dir = path.join(
    cache,
    moduleAtVersion.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`),
  );
  return fs.existsSync(dir) ? dir : null;
}

export function findGoProgram(program: GoProgram, env: NodeJS.ProcessEnv = process.env): string | null {
  const configured = env[program.variable];
  if (configured) {
    if (!isExecutable(configured)) throw new Error(`${program.variable}: ${configured} is not an executable file`);
    return configured;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, program.binary);
    if (isExecutable(candidate)) return candidate;
  }
  const goBin = goBinDir();
  if (goBin && isExecutable(path.join(goBin, program.binary))) return path.join(goBin, program.binary);
  return null;
}

/** Runs `go install module` (output to this terminal); the built path, or null when Go is missing or the build fails. */
export async function goInstall(program: GoProgram, logger: Logger): Promise<string | null> {
  const goBin = goBinDir();
  if (!goBin) return null;
  logger.warn(`Building ${program.description} once with "go install ${program.module}". This takes a few minutes the first time.`);
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn('go', ['install', program.module], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', () => resolve(-1));
    child.on('close', (code) => resolve(code ?? -1));
  });
  const built = path.join(goBin, program.binary);
  if (exitCode !== 0 || !isExecutable(built)) {
    logger.error({ exitCode }, `go install of ${program.description} failed`);
    return null;
  }
  return built;
}

export async function findOrBuildGoProgram(program: GoProgram, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const found = findGoProgram(program, env) ?? (await goInstall(program, logger));
  if (!found) {
    throw new Error(
      `${program.description} (\`${program.binary}\`) was not found and could not be built. Install Go 1.23 or newer and run ` +
        `\`go install ${program.module}\` (it lands in $(go env GOPATH)/bin), or set ${program.variable}=/path/to/${program.binary}.`,
    );
  }
  return found;
}
