import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { withPg } from '../../platform/postgresClient';

export interface PgTools {
  major: number;
  pgDump: string;
  pgRestore: string;
}

/** Every pg_dump/pg_restore pair on this machine: Debian's versioned folders, then PATH. */
function installedTools(): PgTools[] {
  const folders = new Set<string>();
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) for (const version of fs.readdirSync(debian)) folders.add(path.join(debian, version, 'bin'));
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) if (folder) folders.add(folder);
  const found: PgTools[] = [];
  for (const folder of folders) {
    const pgDump = path.join(folder, 'pg_dump');
    const pgRestore = path.join(folder, 'pg_restore');
    if (!fs.existsSync(pgDump) || !fs.existsSync(pgRestore)) continue;
    // Debian's /usr/bin/pg_dump is a wrapper that picks a version by itself; the versioned folders say which they are.
    const version = /\(PostgreSQL\) (\d+)/.exec(execFileSync(pgDump, ['--version'], { encoding: 'utf8' }));
    if (version) found.push({ major: Number(version[1]), pgDump, pgRestore });
  }
  return found;
}

/**
 * The pg_dump and pg_restore that suit this server: its own major version, else the nearest newer one (pg_dump
 * refuses a server newer than itself). Null when this machine has none that can.
 */
export async function pgToolsFor(serverUrl: string): Promise<PgTools | null> {
  const serverMajor = Math.floor(
    Number(
      (await withPg(serverUrl, (c) => c.query<{ server_version_num: string }>('SHOW server_version_num'))).rows[0]!.server_version_num,
    ) / 10_000,
  );
  const fitting = installedTools()
    .filter((tools) => tools.major >= serverMajor)
    .sort((a, b) => a.major - b.major);
  return fitting[0] ?? null;
}
