import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { ConfigError, loadConfig, tracingSettings } from '../../config/config';
import { trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createLogger, logsArePretty } from '../../platform/logger';

const root = path.resolve(__dirname, '../..');

describe('which log format a process writes', () => {
  it.each([
    ['auto', true, 'development', true],
    ['auto', false, 'development', false],
    ['auto', undefined, 'development', false],
    ['auto', true, 'production', false],
    ['pretty', false, 'production', true],
    ['json', true, 'development', false],
  ] as const)('LOG_FORMAT=%s, stdout a terminal: %s, NODE_ENV=%s: pretty %s', (format, isTTY, nodeEnv, pretty) => {
    expect(logsArePretty(format, { isTTY }, nodeEnv)).toBe(pretty);
  });

  it('refuses a LOG_FORMAT it does not know, naming the variable', () => {
    expect(() => loadConfig({ LOG_FORMAT: 'colour' }, '/app')).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: 'colour' }, '/app')).toThrow(/LOG_FORMAT: must be auto, pretty or json \(got "colour"\)/);
  });
});

/**
 * The real logger in a child process, its stdout a pipe or a terminal: platform/logger.ts compiled as it is, run by
 * node with the project's node_modules. A terminal comes from util-linux's `script`, where it is installed.
 */
describe('the logger on a pipe and on a terminal', () => {
  let dir: string;
  let program: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-logs-'));
    const source = fs.readFileSync(path.join(root, 'platform/logger.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    fs.writeFileSync(path.join(dir, 'logger.js'), outputText);
    program = path.join(dir, 'program.js');
    fs.writeFileSync(
      program,
      `const { createLogger } = require('./logger');
const logger = createLogger({ level: 'info', name: 'start' });
logger.info({ applied: ['InitialSchema1763900000000', 'LifecycleRecords1763900100000'] }, 'database migrations applied');
logger.debug('not shown at info');
process.stdout.write('  The banner start prints.\\n');
logger.warn({ mailDir: '.data/mail' }, 'SMTP_URL is not set');
`,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const env = { ...process.env, NODE_PATH: path.join(root, 'node_modules'), NODE_ENV: 'development', LOG_FORMAT: undefined };

  it('writes one JSON object a line to a pipe, for a log collector', () => {
    const run = spawnSync(process.execPath, [program], { env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n').filter((line) => line.trim() !== '');
    // Written asynchronously, so the program's own line may come anywhere among them.
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual(['  The banner start prints.']);
    const entries = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([
      expect.objectContaining({ level: 30, name: 'start', msg: 'database migrations applied' }),
      expect.objectContaining({ level: 40, name: 'start', msg: 'SMTP_URL is not set', mailDir: '.data/mail' }),
    ]);
    expect(entries[0]!.applied).toEqual(['InitialSchema1763900000000', 'LifecycleRecords1763900100000']);
  });

  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  (hasScript ? it : it.skip)('writes one readable line an entry to a terminal, in order with what the program prints itself', () => {
    const run = spawnSync('script', ['-qfec', `"${process.execPath}" "${program}"`, '/dev/null'], { env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const lines = run.stdout
      .replace(/\u001b\[[0-9;]*m/g, '')
      .replace(/\r/g, '')
      .trim()
      .split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^\[\d\d:\d\d:\d\d\] INFO \(start\): database migrations applied \{"applied":\["InitialSchema1763900000000","LifecycleRecords1763900100000"\]\}$/,
      ),
      '  The banner start prints.',
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\] WARN \(start\): SMTP_URL is not set \{"mailDir":".data\/mail"\}$/),
    ]);
  });
});

describe('tracing settings', () => {
  it('sends no traces unless OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    expect(tracingSettings(loadConfig({}, '/app'), 'api')).toBeUndefined();
  });

  it("names the service by the process's role, unless OTEL_SERVICE_NAME says otherwise", () => {
    const endpoint = 'http://jaeger:4318';
    expect(tracingSettings(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, '/app'), 'worker')).toEqual({
      endpoint,
      serviceName: 'worker',
    });
    expect(tracingSettings(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'tracker-api' }, '/app'), 'api')).toEqual(
      { endpoint, serviceName: 'tracker-api' },
    );
  });

  it('refuses an endpoint that is not an http(s) URL, naming the variable', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }, '/app')).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL starting with http:\/\/ or https:\/\/ \(got "localhost:4318"\)/,
    );
  });
});

describe('log lines within a trace', () => {
  it('carry the trace and span ids of the active span, so a log line leads to its trace; none outside a span', () => {
    new NodeTracerProvider().register();
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    logger.info('outside');
    const ids = trace.getTracer('test').startActiveSpan('a command', (span) => {
      logger.info('inside');
      span.end();
      return span.spanContext();
    });
    expect(lines).toEqual([
      expect.not.objectContaining({ trace_id: expect.anything() }),
      expect.objectContaining({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId }),
    ]);
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
