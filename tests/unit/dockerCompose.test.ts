/**
 * docker-compose.yml is checked against the code, so a renamed variable, a typo or a drifting URL
 * fails here instead of in a container at 2 a.m.
 *
 * The file is read the way `docker compose` reads it: YAML anchors, aliases and `<<` merge keys
 * resolved, then `${VAR:-default}` replaced by its default (as if no .env file and no shell
 * variables were present, which is how a fresh checkout starts). Each test collects every problem
 * it finds and compares the list with [], so a failure names all of them at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigError, configVariableNames, loadConfig } from '../../config/config';

const repoRoot = path.resolve(__dirname, '..', '..');
const composeFile = path.join(repoRoot, 'docker-compose.yml');

const REQUIRED_SERVICES = ['postgres', 'temporal', 'temporal-ui', 'mailpit', 'migrate', 'api', 'worker'];
/** The services that run this repository's code, and the bin/ entry point each must run. */
const APP_SERVICES: Record<string, string> = { migrate: 'migrate', api: 'api', worker: 'worker' };
const APP_SERVICE_NAMES = Object.keys(APP_SERVICES);
/** Connections that must be explicit in a real deployment (unset means "start an embedded one"). */
const CONNECTION_VARIABLES = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL'] as const;

type Service = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Reading the file like docker compose does
// ---------------------------------------------------------------------------------------------

/**
 * Compose variable interpolation with an empty environment: `${X:-d}` / `${X-d}` give d (itself
 * interpolated), `${X:+a}` / `${X+a}` give "", `$$` is a literal `$`. `${X}`, `$X`, `${X:?e}` and
 * `${X?e}` have no value without an environment, so they are reported as problems.
 */
function interpolate(text: string, where: string, problems: string[]): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== '$') {
      out += ch;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === '{') depth += 1;
        else if (text[j] === '}') depth -= 1;
        j += 1;
      }
      if (depth !== 0) {
        problems.push(`${where}: unclosed "\${" in ${JSON.stringify(text)}`);
        return out + text.slice(i);
      }
      const inner = text.slice(i + 2, j - 1);
      const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(inner);
      if (!match) {
        problems.push(`${where}: cannot read the variable reference "\${${inner}}"`);
      } else {
        const [, name, operator, argument = ''] = match;
        if (operator === ':-' || operator === '-') out += interpolate(argument, where, problems);
        else if (operator === ':+' || operator === '+') out += '';
        else if (operator === ':?' || operator === '?')
          problems.push(
            `${where}: \${${name}} must be set by whoever runs compose (${argument || 'no message'}); give it a default instead so a fresh checkout starts`,
          );
        else problems.push(`${where}: \${${name}} has no default; write \${${name}:-value} so a fresh checkout starts without a .env file`);
      }
      i = j;
      continue;
    }
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (bare) {
      problems.push(`${where}: $${bare[0]} has no default; write \${${bare[0]}:-value} (or $$ for a literal dollar sign)`);
      i += 1 + bare[0].length;
      continue;
    }
    out += '$';
    i += 1;
  }
  return out;
}

function interpolateTree(value: unknown, where: string, problems: string[]): unknown {
  if (typeof value === 'string') return interpolate(value, where, problems);
  if (Array.isArray(value)) return value.map((item, index) => interpolateTree(item, `${where}[${index}]`, problems));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateTree(item, where ? `${where}.${key}` : key, problems);
    return out;
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readCompose(): { services: Record<string, Service>; interpolationProblems: string[] } {
  const raw: unknown = parse(fs.readFileSync(composeFile, 'utf8'), { merge: true });
  if (!isRecord(raw)) throw new Error('docker-compose.yml does not hold a YAML mapping at the top level');
  const interpolationProblems: string[] = [];
  // Compose never interpolates the top-level x- extension fields by themselves; what is used is
  // interpolated where the aliases land, inside services.
  const interpolated = interpolateTree(raw.services, 'services', interpolationProblems);
  if (!isRecord(interpolated)) throw new Error('docker-compose.yml has no "services:" mapping');
  const services: Record<string, Service> = {};
  for (const [name, service] of Object.entries(interpolated)) {
    if (!isRecord(service)) throw new Error(`docker-compose.yml: service "${name}" is not a mapping`);
    services[name] = service;
  }
  return { services, interpolationProblems };
}

// ---------------------------------------------------------------------------------------------
// Normalising the several forms compose accepts
// ---------------------------------------------------------------------------------------------

/** `environment:` as a map or as a list of NAME=value; a name without a value inherits from the host, i.e. is unset here. */
function environmentOf(service: Service): Record<string, string | undefined> {
  const env = service.environment;
  const out: Record<string, string | undefined> = {};
  if (Array.isArray(env)) {
    for (const entry of env) {
      const text = String(entry);
      const eq = text.indexOf('=');
      if (eq === -1) out[text] = undefined;
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (isRecord(env)) {
    for (const [name, value] of Object.entries(env)) out[name] = value === null || value === undefined ? undefined : String(value);
  }
  return out;
}

/** depends_on as name -> condition (the list form means service_started). */
function dependenciesOf(service: Service): Record<string, string> {
  const deps = service.depends_on;
  const out: Record<string, string> = {};
  if (Array.isArray(deps)) for (const name of deps) out[String(name)] = 'service_started';
  else if (isRecord(deps))
    for (const [name, spec] of Object.entries(deps))
      out[name] = isRecord(spec) && typeof spec.condition === 'string' ? spec.condition : 'service_started';
  return out;
}

function commandOf(service: Service): string[] {
  const command = service.command;
  if (Array.isArray(command)) return command.map(String);
  if (typeof command === 'string') return command.trim().split(/\s+/);
  return [];
}

function healthcheckTestOf(service: Service): string[] | null {
  const healthcheck = service.healthcheck;
  if (!isRecord(healthcheck) || healthcheck.disable === true) return null;
  const test = healthcheck.test;
  const parts = Array.isArray(test) ? test.map(String) : typeof test === 'string' ? ['CMD-SHELL', test] : [];
  if (parts.length === 0 || parts[0] === 'NONE') return null;
  return parts;
}

/** Published ports as { hostPort, containerPort } from short ("[ip:]host:container[/proto]") or long syntax. */
function portsOf(service: Service): { hostPort?: string; containerPort: string }[] {
  const ports = Array.isArray(service.ports) ? service.ports : [];
  return ports.map((port) => {
    if (isRecord(port)) {
      return {
        containerPort: String(port.target),
        ...(port.published === undefined ? {} : { hostPort: String(port.published) }),
      };
    }
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const containerPort = parts[parts.length - 1]!;
    return parts.length >= 2 ? { hostPort: parts[parts.length - 2]!, containerPort } : { containerPort };
  });
}

function buildOf(service: Service): { context: string; dockerfile: string } | null {
  const build = service.build;
  if (typeof build === 'string') return { context: path.resolve(repoRoot, build), dockerfile: 'Dockerfile' };
  if (isRecord(build)) {
    const context = path.resolve(repoRoot, typeof build.context === 'string' ? build.context : '.');
    return { context, dockerfile: typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile' };
  }
  return null;
}

/** host of "host:port" or of a URL; undefined when unreadable. */
function hostOf(variable: string, value: string): string | undefined {
  if (variable === 'TEMPORAL_ADDRESS') return /^([^\s:/]+):\d+$/.exec(value)?.[1];
  try {
    return new URL(value).hostname;
  } catch {
    return undefined;
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function closestConfigName(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of configVariableNames) {
    const distance = editDistance(name, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= 3 ? best.name : undefined;
}

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  const { services, interpolationProblems } = readCompose();
  const serviceNames = Object.keys(services);
  const service = (name: string): Service => services[name] ?? {};
  const appEnv = (name: string) => environmentOf(service(name));

  /** One-shot jobs: something waits for them to exit 0. Everything else runs for good. */
  const oneShotServices = new Set(
    Object.values(services).flatMap((s) =>
      Object.entries(dependenciesOf(s))
        .filter(([, condition]) => condition === 'service_completed_successfully')
        .map(([name]) => name),
    ),
  );

  it('resolves every ${VAR} to a default, so `docker compose up` works from a fresh checkout', () => {
    expect(interpolationProblems).toEqual([]);
  });

  it('defines the services the product needs', () => {
    const missing = REQUIRED_SERVICES.filter((name) => !(name in services)).map((name) => `service "${name}" is missing`);
    expect(missing).toEqual([]);
  });

  describe.each(APP_SERVICE_NAMES)('%s', (name) => {
    it('sets only environment variables that config/config.ts reads (a typo would be silently ignored)', () => {
      const known = new Set<string>(configVariableNames);
      const problems = Object.keys(appEnv(name))
        .filter((variable) => !known.has(variable))
        .map((variable) => {
          const suggestion = closestConfigName(variable);
          return `${name}: ${variable} is not in configSchema${suggestion ? `; did you mean ${suggestion}?` : ''}`;
        });
      if (service(name).env_file !== undefined)
        problems.push(`${name}: uses env_file, which this test cannot check; put the variables under environment:`);
      expect(problems).toEqual([]);
    });

    it('has an environment that loadConfig accepts', () => {
      const env: NodeJS.ProcessEnv = {};
      for (const [variable, value] of Object.entries(appEnv(name))) if (value !== undefined) env[variable] = value;
      let problems: string[] = [];
      try {
        loadConfig(env, '/app');
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems = error.problems.map((problem) => `${name}: ${problem}`);
      }
      expect(problems).toEqual([]);
    });

    it('runs in production mode', () => {
      const nodeEnv = appEnv(name).NODE_ENV;
      expect(nodeEnv === 'production' ? [] : [`${name}: NODE_ENV is ${nodeEnv ?? '(unset)'}, expected production`]).toEqual([]);
    });
  });

  it('sets DATABASE_URL, TEMPORAL_ADDRESS and SMTP_URL for api, worker and migrate, identically (no embedded fallbacks)', () => {
    const problems: string[] = [];
    for (const variable of CONNECTION_VARIABLES) {
      const values = APP_SERVICE_NAMES.map((name) => ({ name, value: appEnv(name)[variable]?.trim() }));
      for (const { name, value } of values)
        if (!value) problems.push(`${name}: ${variable} is not set, so the app would start an embedded stand-in instead`);
      const distinct = new Set(values.map((v) => v.value).filter(Boolean));
      if (distinct.size > 1) problems.push(`${variable} differs: ${values.map((v) => `${v.name}=${v.value ?? '(unset)'}`).join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('points those connections at services in this file (DATABASE_URL at postgres)', () => {
    const problems: string[] = [];
    for (const name of APP_SERVICE_NAMES) {
      for (const variable of CONNECTION_VARIABLES) {
        const value = appEnv(name)[variable];
        if (!value) continue; // reported above
        const host = hostOf(variable, value);
        if (host === undefined) problems.push(`${name}: cannot read a host from ${variable}=${value}`);
        else if (variable === 'DATABASE_URL' && host !== 'postgres')
          problems.push(`${name}: DATABASE_URL points at "${host}", not at the postgres service`);
        else if (!serviceNames.includes(host))
          problems.push(`${name}: ${variable} points at "${host}", which is not a service here (services: ${serviceNames.join(', ')})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("builds api, worker and migrate from this repository's Dockerfile, as one shared image", () => {
    const problems: string[] = [];
    const images = new Set<string>();
    for (const name of APP_SERVICE_NAMES) {
      const build = buildOf(service(name));
      if (!build) {
        problems.push(`${name}: has no build: section, so it would not run this repository's code`);
        continue;
      }
      if (build.context !== repoRoot) problems.push(`${name}: build context is ${build.context}, not the repository root ${repoRoot}`);
      const dockerfile = path.resolve(build.context, build.dockerfile);
      if (dockerfile !== path.join(repoRoot, 'Dockerfile'))
        problems.push(`${name}: builds from ${dockerfile}, not the repository's Dockerfile`);
      if (!fs.existsSync(dockerfile)) problems.push(`${name}: ${dockerfile} does not exist`);
      images.add(typeof service(name).image === 'string' ? (service(name).image as string) : `(no image name on ${name})`);
    }
    if (images.size !== 1)
      problems.push(
        `api, worker and migrate should tag one image (the same image: name) so it is built once; found ${[...images].join(', ')}`,
      );
    expect(problems).toEqual([]);
  });

  it('runs dist/bin/<name>.js in each app service, compiled from an existing bin/<name>.ts', () => {
    const problems: string[] = [];
    for (const [name, entry] of Object.entries(APP_SERVICES)) {
      const command = commandOf(service(name));
      const script = command.find((part) => /^(\.\/)?dist\/bin\/[\w-]+\.js$/.test(part));
      if (!script) {
        problems.push(`${name}: command ${JSON.stringify(command)} does not run a dist/bin/<name>.js file`);
        continue;
      }
      const base = path.basename(script, '.js');
      if (base !== entry) problems.push(`${name}: runs ${script}, expected dist/bin/${entry}.js`);
      if (command[0] !== 'node') problems.push(`${name}: command should start with node, got ${JSON.stringify(command)}`);
      const source = path.join(repoRoot, 'bin', `${base}.ts`);
      if (!fs.existsSync(source)) problems.push(`${name}: runs ${script}, but its source bin/${base}.ts does not exist`);
    }
    expect(problems).toEqual([]);
  });

  it('gives every long-running service a healthcheck', () => {
    const problems = serviceNames
      .filter((name) => !oneShotServices.has(name) && healthcheckTestOf(service(name)) === null)
      .map((name) => `${name}: runs continuously but has no healthcheck`);
    expect(problems).toEqual([]);
  });

  it('lets one-shot jobs (migrate and the like) exit for good once they succeed', () => {
    const problems: string[] = [];
    if (!oneShotServices.has('migrate')) problems.push('migrate: nothing waits for it with condition service_completed_successfully');
    for (const name of oneShotServices) {
      const restart = String(service(name).restart ?? 'no');
      if (restart === 'always' || restart === 'unless-stopped')
        problems.push(`${name}: is a one-shot job but has restart: ${restart}, so it would run again and again`);
    }
    expect(problems).toEqual([]);
  });

  it('starts api and worker only after migrate completed and Temporal is healthy', () => {
    const problems: string[] = [];
    for (const name of ['api', 'worker']) {
      const deps = dependenciesOf(service(name));
      if (deps.migrate !== 'service_completed_successfully')
        problems.push(
          `${name}: depends_on migrate should have condition service_completed_successfully (has ${deps.migrate ?? 'nothing'})`,
        );
      if (deps.temporal !== 'service_healthy')
        problems.push(`${name}: depends_on temporal should have condition service_healthy (has ${deps.temporal ?? 'nothing'})`);
    }
    if (dependenciesOf(service('migrate')).postgres !== 'service_healthy')
      problems.push('migrate: depends_on postgres should have condition service_healthy');
    expect(problems).toEqual([]);
  });

  it('depends only on services that exist, and waits for health only where a healthcheck is defined', () => {
    const problems: string[] = [];
    for (const name of serviceNames) {
      for (const [dependency, condition] of Object.entries(dependenciesOf(service(name)))) {
        if (!(dependency in services)) problems.push(`${name}: depends on "${dependency}", which is not a service`);
        else if (condition === 'service_healthy' && healthcheckTestOf(service(dependency)) === null)
          problems.push(`${name}: waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('publishes the api on HTTP_PORT, listening on all interfaces, with a /readyz healthcheck run by node', () => {
    const problems: string[] = [];
    const env = appEnv('api');
    const port = env.HTTP_PORT ?? '3000';
    if (env.HTTP_HOST !== '0.0.0.0')
      problems.push(
        `api: HTTP_HOST is ${env.HTTP_HOST ?? '(unset, 127.0.0.1)'}; it must be 0.0.0.0 to be reachable through the published port`,
      );
    if (!portsOf(service('api')).some((p) => p.containerPort === port && p.hostPort !== undefined))
      problems.push(`api: does not publish container port ${port} (HTTP_PORT)`);
    const test = healthcheckTestOf(service('api')) ?? [];
    const text = test.join(' ');
    if (!text.includes(`:${port}/readyz`))
      problems.push(`api: healthcheck should request /readyz on port ${port}; it is ${JSON.stringify(test)}`);
    const program = test[0] === 'CMD-SHELL' ? (test[1] ?? '').trim().split(/\s+/)[0] : test[1];
    if (program !== 'node')
      problems.push(`api: healthcheck should run node (node:20-bookworm-slim has no curl or wget); it runs ${program ?? 'nothing'}`);
    expect(problems).toEqual([]);
  });

  it('lets the worker scale (`docker compose up --scale worker=3`): no container_name, no fixed host port', () => {
    const problems: string[] = [];
    if (service('worker').container_name !== undefined) problems.push('worker: container_name makes a second replica impossible');
    for (const p of portsOf(service('worker')))
      if (p.hostPort) problems.push(`worker: publishes host port ${p.hostPort}, which a second replica could not bind`);
    expect(problems).toEqual([]);
  });

  it('exposes Temporal UI on 8080 and Mailpit on 1025 (SMTP) and 8025 (web)', () => {
    const problems: string[] = [];
    const published = (name: string) =>
      portsOf(service(name))
        .filter((p) => p.hostPort !== undefined)
        .map((p) => p.containerPort);
    if (!published('temporal-ui').includes('8080')) problems.push('temporal-ui: container port 8080 is not published');
    for (const port of ['1025', '8025'])
      if (!published('mailpit').includes(port)) problems.push(`mailpit: container port ${port} is not published`);
    const smtp = appEnv('api').SMTP_URL;
    if (smtp && hostOf('SMTP_URL', smtp) === 'mailpit' && new URL(smtp).port !== '1025')
      problems.push(`SMTP_URL ${smtp} should use Mailpit's SMTP port 1025`);
    expect(problems).toEqual([]);
  });

  it('points Temporal UI and the namespace job at the same Temporal address and namespace as the app', () => {
    const problems: string[] = [];
    const { TEMPORAL_ADDRESS: address = '(unset)', TEMPORAL_NAMESPACE: namespace = 'default' } = appEnv('worker');
    const ui = environmentOf(service('temporal-ui'));
    if (ui.TEMPORAL_ADDRESS !== address) problems.push(`temporal-ui: TEMPORAL_ADDRESS is ${ui.TEMPORAL_ADDRESS}, the app uses ${address}`);
    if (ui.TEMPORAL_DEFAULT_NAMESPACE !== undefined && ui.TEMPORAL_DEFAULT_NAMESPACE !== namespace)
      problems.push(`temporal-ui: TEMPORAL_DEFAULT_NAMESPACE is ${ui.TEMPORAL_DEFAULT_NAMESPACE}, the app uses ${namespace}`);
    if ('temporal-namespace' in services) {
      const job = environmentOf(service('temporal-namespace'));
      if (job.NAMESPACE !== namespace) problems.push(`temporal-namespace: creates namespace ${job.NAMESPACE}, the app uses ${namespace}`);
      if (job.TEMPORAL_ADDRESS !== address)
        problems.push(`temporal-namespace: TEMPORAL_ADDRESS is ${job.TEMPORAL_ADDRESS}, the app uses ${address}`);
      for (const name of ['api', 'worker'])
        if (dependenciesOf(service(name))['temporal-namespace'] !== 'service_completed_successfully')
          problems.push(`${name}: should wait for temporal-namespace to complete, or its first calls may find no namespace`);
    }
    expect(problems).toEqual([]);
  });

  it('has postgres create the role, password and database that DATABASE_URL and Temporal log in with', () => {
    const problems: string[] = [];
    const pg = environmentOf(service('postgres'));
    const databaseUrl = appEnv('migrate').DATABASE_URL;
    if (databaseUrl) {
      const url = new URL(databaseUrl);
      const expected = {
        APP_DB_USER: decodeURIComponent(url.username),
        APP_DB_PASSWORD: decodeURIComponent(url.password),
        APP_DB_NAME: url.pathname.replace(/^\//, ''),
      };
      for (const [variable, value] of Object.entries(expected))
        if (pg[variable] !== value)
          problems.push(`postgres: ${variable} is ${JSON.stringify(pg[variable])} but DATABASE_URL uses ${JSON.stringify(value)}`);
      if ((url.port || '5432') !== '5432') problems.push(`DATABASE_URL uses port ${url.port}; postgres listens on 5432`);
    }
    const temporal = environmentOf(service('temporal'));
    if (temporal.POSTGRES_USER !== pg.TEMPORAL_DB_USER || temporal.POSTGRES_PWD !== pg.TEMPORAL_DB_PASSWORD)
      problems.push('temporal: POSTGRES_USER/POSTGRES_PWD differ from the TEMPORAL_DB_USER/TEMPORAL_DB_PASSWORD that postgres creates');
    if (temporal.POSTGRES_SEEDS !== 'postgres')
      problems.push(`temporal: POSTGRES_SEEDS is ${temporal.POSTGRES_SEEDS}, not the postgres service`);
    if ('temporal-schema' in services) {
      const schema = environmentOf(service('temporal-schema'));
      if (schema.SQL_USER !== pg.TEMPORAL_DB_USER || schema.SQL_PASSWORD !== pg.TEMPORAL_DB_PASSWORD)
        problems.push('temporal-schema: SQL_USER/SQL_PASSWORD differ from the TEMPORAL_DB_USER/TEMPORAL_DB_PASSWORD that postgres creates');
    }
    expect(problems).toEqual([]);
  });

  it('bind-mounts only files that exist in the repository', () => {
    const problems: string[] = [];
    for (const name of serviceNames) {
      const volumes = Array.isArray(service(name).volumes) ? (service(name).volumes as unknown[]) : [];
      for (const volume of volumes) {
        const source = isRecord(volume) ? (volume.type === 'bind' ? String(volume.source) : '') : String(volume).split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) continue; // a named volume
        if (!fs.existsSync(path.resolve(repoRoot, source))) problems.push(`${name}: mounts ${source}, which does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('ships every script a healthcheck runs from the app image', () => {
    const problems: string[] = [];
    const dockerfile = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    for (const name of APP_SERVICE_NAMES) {
      for (const part of healthcheckTestOf(service(name)) ?? []) {
        if (!/^(\.\/)?deploy\/.+\.js$/.test(part)) continue;
        const file = part.replace(/^\.\//, '');
        if (!fs.existsSync(path.join(repoRoot, file))) problems.push(`${name}: healthcheck runs ${file}, which does not exist`);
        const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(?:--\S+\s+)*(\S+)\s+\S+\s*$/gm)].some(([, from]) =>
          file.startsWith(from!.replace(/^\.\//, '').replace(/\/?$/, '/')),
        );
        if (!copied) problems.push(`${name}: healthcheck runs ${file}, but the Dockerfile does not COPY it into the image`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
  const args = Object.fromEntries([...dockerfile.matchAll(/^ARG\s+(\w+)=(\S+)\s*$/gm)].map(([, name, value]) => [name!, value!]));
  const stages = dockerfile.split(/^(?=FROM\s)/m).filter((chunk) => chunk.startsWith('FROM'));
  const finalStage = stages[stages.length - 1] ?? '';

  it('runs the final stage on node:20-bookworm-slim as a non-root user with NODE_ENV=production', () => {
    const problems: string[] = [];
    const from = /^FROM\s+(\S+)/.exec(finalStage)?.[1] ?? '';
    const image = from.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? `\${${name}}`);
    if (!/^node:20(\.\d+)*-bookworm-slim$/.test(image)) problems.push(`final stage is FROM ${image}, expected node:20-bookworm-slim`);
    const user = [...finalStage.matchAll(/^USER\s+(\S+)/gm)].pop()?.[1];
    if (!user || user === 'root' || user === '0') problems.push(`final stage runs as ${user ?? 'root (no USER)'}`);
    if (!/^ENV\s+(?:[\s\S]*?\s)?NODE_ENV=production\b/m.test(finalStage)) problems.push('final stage does not set ENV NODE_ENV=production');
    expect(problems).toEqual([]);
  });

  it('installs production dependencies without dev dependencies, and builds with npm run build', () => {
    const problems: string[] = [];
    if (!/npm install --omit=dev/.test(dockerfile)) problems.push('no `npm install --omit=dev` for the runtime node_modules');
    if (!/RUN\s+npm run build/.test(dockerfile)) problems.push('no `RUN npm run build`');
    if (!/COPY\s+--from=\S+\s+\S*dist\s/.test(finalStage)) problems.push('final stage does not copy dist/ from the build stage');
    expect(problems).toEqual([]);
  });
});
