import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { databaseUrlFor, withPg } from '../platform/postgresClient';
import type { Logger } from '../platform/logger';
import { SupervisedProcess, type ProcessEvent } from './clusterProcess';
import { findOrBuildGoProgram, goModuleDir, type GoProgram } from './goBinaries';
import { assertPortFree } from './ports';

/**
 * The Temporal server as docker-compose.yml runs it (all four roles in one process, on PostgreSQL), for a machine
 * without Docker: the server and its SQL schema tool built from the Go module proxy at the version compose pins,
 * Temporal's two databases prepared by deploy/temporal/setup-schema.sh, the dynamic config from
 * deploy/temporal/dynamicconfig, and the namespace made by deploy/temporal/create-namespace.sh.
 */

/** The folder holding package.json and deploy/, from the TypeScript source or from dist/. */
export function repositoryRoot(from = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'deploy', 'temporal')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** TEMPORAL_VERSION's default in docker-compose.yml: the one version compose and this machine run. */
export function composeTemporalVersion(root = repositoryRoot()): string {
  const compose = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
  const match = /temporalio\/server:\$\{TEMPORAL_VERSION:-(\d+\.\d+\.\d+)\}/.exec(compose);
  if (!match) throw new Error('docker-compose.yml does not pin the temporalio/server image as ${TEMPORAL_VERSION:-x.y.z}');
  return match[1]!;
}

export function temporalServerPrograms(version: string): { server: GoProgram; sqlTool: GoProgram } {
  return {
    server: {
      binary: 'server',
      variable: 'TEMPORAL_SERVER_PATH',
      module: `go.temporal.io/server/cmd/server@v${version}`,
      description: `the Temporal server ${version}`,
    },
    sqlTool: {
      binary: 'sql',
      variable: 'TEMPORAL_SQL_TOOL_PATH',
      module: `go.temporal.io/server/cmd/tools/sql@v${version}`,
      description: `Temporal's SQL schema tool ${version}`,
    },
  };
}

/** The versioned PostgreSQL schema of the server module (what the admin-tools image has in /etc/temporal/schema). */
async function schemaRoot(version: string, logger: Logger): Promise<string> {
  const moduleAtVersion = `go.temporal.io/server@v${version}`;
  let dir = goModuleDir(moduleAtVersion);
  if (!dir) {
    logger.info(`downloading ${moduleAtVersion} for its SQL schema files`);
    await run('go', ['mod', 'download', moduleAtVersion], { env: process.env, cwd: repositoryRoot() });
    dir = goModuleDir(moduleAtVersion);
  }
  const root = dir && path.join(dir, 'schema', 'postgresql', 'v12');
  if (!root || !fs.existsSync(root))
    throw new Error(`The PostgreSQL schema of ${moduleAtVersion} was not found in Go's module cache (go env GOMODCACHE)`);
  return root;
}

function run(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}:\n${output.slice(-3000)}`)),
    );
  });
}

export interface TemporalDatabases {
  /** A superuser's URL on the PostgreSQL server Temporal uses (any database). */
  adminUrl: string;
  temporal: string;
  visibility: string;
}

/** Temporal's own role, as deploy/postgres/initdb makes one: it owns Temporal's databases and nothing else. */
export const TEMPORAL_ROLE = { user: 'temporal_local', password: 'temporal-local-only' };

const DUPLICATE_OBJECT = '42710';

/**
 * What deploy/postgres/initdb does for Temporal (its role, its two databases, btree_gin for visibility) where missing,
 * then deploy/temporal/setup-schema.sh brings both databases to the server's schema.
 */
export async function prepareTemporalDatabases(
  databases: TemporalDatabases,
  sqlTool: string,
  version: string,
  logger: Logger,
): Promise<void> {
  const { user, password } = TEMPORAL_ROLE;
  await withPg(databases.adminUrl, async (admin) => {
    const role = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
    if (role.rowCount === 0) {
      // Another run on the same server may create it at the same moment.
      await admin.query(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`).catch((error: { code?: string }) => {
        if (error.code !== DUPLICATE_OBJECT) throw error;
      });
    }
    for (const name of [databases.temporal, databases.visibility]) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name))
        throw new Error(`Temporal database name ${name}: use lower-case letters, digits and underscores`);
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name} OWNER ${user}`);
      else await admin.query(`ALTER DATABASE ${name} OWNER TO ${user}`);
    }
  });
  await withPg(databaseUrlFor(databases.adminUrl, databases.visibility), (admin) =>
    admin.query('CREATE EXTENSION IF NOT EXISTS btree_gin'),
  );
  const url = new URL(databases.adminUrl);
  const root = repositoryRoot();
  const output = await run('sh', [path.join(root, 'deploy', 'temporal', 'setup-schema.sh')], {
    cwd: root,
    env: {
      ...process.env,
      SQL_PLUGIN: 'postgres12',
      SQL_HOST: url.hostname,
      SQL_PORT: url.port || '5432',
      SQL_USER: user,
      SQL_PASSWORD: password,
      SQL_TOOL: sqlTool,
      SCHEMA_ROOT: await schemaRoot(version, logger),
      TEMPORAL_DB: databases.temporal,
      VISIBILITY_DB: databases.visibility,
    },
  });
  logger.debug({ output }, 'Temporal schema set up');
}

export interface TemporalServerPorts {
  grpc: number;
  http: number;
  membership: { frontend: number; history: number; matching: number; worker: number };
  history: number;
  matching: number;
  worker: number;
  metrics: number;
}

/**
 * Temporal stores each service's ports in a SMALLINT column (cluster_membership.rpc_port), so they must be below
 * 32768, where the operating system's own choice of a free port (32768 and up on Linux) never lands.
 */
async function freeSmallPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    if (
      await assertPortFree(port, 'Temporal', 'port').then(
        () => true,
        () => false,
      )
    ) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('No free port between 20000 and 32000 for the Temporal server');
}

export async function freeTemporalServerPorts(grpc?: number): Promise<TemporalServerPorts> {
  const taken = new Set<number>();
  const next = () => freeSmallPort(taken);
  return {
    grpc: grpc ?? (await next()),
    http: await next(),
    membership: { frontend: await next(), history: await next(), matching: await next(), worker: await next() },
    history: await next(),
    matching: await next(),
    worker: await next(),
    metrics: await next(),
  };
}

/**
 * The server's configuration, as the temporalio/server image renders it from its environment (DB=postgres12,
 * NUM_HISTORY_SHARDS=4, the dynamic config file), on loopback ports of our choosing. JSON is YAML, so it is written as JSON.
 */
export function temporalServerConfig(options: {
  databases: TemporalDatabases;
  ports: TemporalServerPorts;
  dynamicConfigFile: string;
  logLevel?: string;
}): string {
  const { databases, ports } = options;
  const url = new URL(databases.adminUrl);
  const sql = (databaseName: string, maxConns: number) => ({
    pluginName: 'postgres12',
    databaseName,
    connectAddr: `${url.hostname}:${url.port || '5432'}`,
    connectProtocol: 'tcp',
    user: TEMPORAL_ROLE.user,
    password: TEMPORAL_ROLE.password,
    maxConns,
    maxIdleConns: maxConns,
    maxConnLifetime: '1h',
  });
  const service = (grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnIP: '127.0.0.1', ...extra },
  });
  const config = {
    log: { stdout: true, level: options.logLevel ?? 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: 4,
      datastores: {
        'postgres-default': { sql: sql(databases.temporal, 20) },
        'postgres-visibility': { sql: sql(databases.visibility, 4) },
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${ports.metrics}` } },
    },
    services: {
      frontend: service(ports.grpc, ports.membership.frontend, { httpPort: ports.http }),
      history: service(ports.history, ports.membership.history),
      matching: service(ports.matching, ports.membership.matching),
      worker: service(ports.worker, ports.membership.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.grpc}`,
          httpAddress: `127.0.0.1:${ports.http}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: options.dynamicConfigFile, pollInterval: '60s' },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** True once the frontend answers and its history shards are owned (a workflow call would succeed). */
export async function temporalServerHealthy(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.getSystemInfo({});
    await connection.workflowService.listNamespaces({ pageSize: 1 });
    return true;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export interface TemporalServerSetup {
  version: string;
  serverPath: string;
  cliPath: string;
  databases: TemporalDatabases;
  /** Folder for the config file and the log. */
  workDir: string;
  ports?: Partial<Pick<TemporalServerPorts, 'grpc'>>;
  logger: Logger;
  /** Where the server's starts, kills and exits are noted. */
  events?: ProcessEvent[];
}

export interface TemporalServer {
  address: string;
  process: SupervisedProcess;
  configFile: string;
}

/** Writes the config, starts `server start` and waits until it answers (first start: up to `readyTimeoutMs`). */
export async function startTemporalServer(setup: TemporalServerSetup, readyTimeoutMs = 120_000): Promise<TemporalServer> {
  const ports = await freeTemporalServerPorts(setup.ports?.grpc);
  const configFile = path.join(setup.workDir, 'temporal-server.yaml');
  const dynamicConfigFile = path.join(repositoryRoot(), 'deploy', 'temporal', 'dynamicconfig', 'docker.yaml');
  fs.writeFileSync(configFile, temporalServerConfig({ databases: setup.databases, ports, dynamicConfigFile }));
  const address = `127.0.0.1:${ports.grpc}`;
  const process_ = new SupervisedProcess(
    'temporal-server',
    setup.serverPath,
    ['--config-file', configFile, '--allow-no-auth', 'start'],
    { env: process.env, cwd: setup.workDir, logFile: path.join(setup.workDir, 'temporal-server.log'), events: setup.events },
    () => temporalServerHealthy(address),
  );
  process_.start();
  try {
    await process_.ensureReady(readyTimeoutMs);
  } catch (error) {
    process_.killNow();
    throw error;
  }
  setup.logger.info({ address, version: setup.version }, 'Temporal server started on PostgreSQL');
  return { address, process: process_, configFile };
}

/** deploy/temporal/create-namespace.sh, run with this machine's Temporal CLI on its PATH. */
export async function createNamespace(options: { cliPath: string; address: string; namespace: string; retention?: string }): Promise<void> {
  const root = repositoryRoot();
  await run('sh', [path.join(root, 'deploy', 'temporal', 'create-namespace.sh')], {
    cwd: root,
    env: {
      ...process.env,
      PATH: `${path.dirname(options.cliPath)}${path.delimiter}${process.env.PATH ?? ''}`,
      TEMPORAL_ADDRESS: options.address,
      NAMESPACE: options.namespace,
      NAMESPACE_RETENTION: options.retention ?? '30d',
    },
  });
}

/** The server and its SQL tool, found or built once at the version compose pins. */
export async function findOrBuildTemporalServer(logger: Logger): Promise<{ version: string; serverPath: string; sqlToolPath: string }> {
  const version = composeTemporalVersion();
  const programs = temporalServerPrograms(version);
  const serverPath = await findOrBuildGoProgram(programs.server, logger);
  const sqlToolPath = await findOrBuildGoProgram(programs.sqlTool, logger);
  // `server` and `sql` are common names: make sure what was found is Temporal's, at compose's version.
  for (const [program, file] of [
    [programs.server, serverPath],
    [programs.sqlTool, sqlToolPath],
  ] as const) {
    const reported = await run(file, ['--version'], { env: process.env, cwd: repositoryRoot() }).catch((error: Error) => error.message);
    if (!reported.includes(version)) {
      throw new Error(
        `${file} is not ${program.description} (it reports: ${reported.trim().slice(0, 200)}). Set ${program.variable}, or run go install ${program.module}`,
      );
    }
  }
  return { version, serverPath, sqlToolPath };
}
