import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { buildWorkflowBundle } from '../../bin/workflowBundle';
import { addCalendarDays, calendarDateInLondon } from '../../domain/calendar';
import type { Person } from '../../entities';
import { addCast, apiClient, type ApiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** One span as an OTLP/HTTP JSON export carries it (ids in hex), with its service. */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
  status: { code?: number };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: (Omit<ReceivedSpan, 'service' | 'attributes'> & { attributes?: OtlpAttribute[]; status?: { code?: number } })[];
    }[];
  }[];
}

const valueOf = (value: OtlpValue): unknown =>
  value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue));
const attributesOf = (list: OtlpAttribute[] = []): Record<string, unknown> =>
  Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** A collector of our own: OTLP/HTTP with the JSON encoding, as the product's exporter sends it, kept in memory. */
async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; paths: string[]; stop(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
        for (const scope of resourceSpans.scopeSpans ?? [])
          for (const span of scope.spans ?? [])
            spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: span.kind,
              service,
              attributes: attributesOf(span.attributes),
              status: span.status ?? {},
            });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    paths,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The span and its ancestors, nearest first, as far as the trace holds them. */
function ancestry(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  const byId = new Map(spans.filter((s) => s.traceId === span.traceId).map((s) => [s.spanId, s]));
  const chain = [span];
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) chain.push(parent);
  return chain;
}

/**
 * Issue 20, Operations: with OTEL_EXPORTER_OTLP_ENDPOINT set, one trace follows a command from the HTTP request
 * through the Temporal update and the workflow to the activity and its database transaction.
 */
describe('traces over OTLP/HTTP', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead', Person>;
  let ids: string[];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const workflowBundle = await buildWorkflowBundle((message) => console.error(message), { traced: true });
    product = await startTestProduct({
      tracing: { settings: { endpoint: receiver.url, serviceName: 'tracker-under-test' }, workflowBundle },
    });
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead');
    api.actingAs(p.admin.id);
    ids = await api.createReport({
      title: 'Traced',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', category: 2 }],
    });
  }, 180_000);
  afterAll(async () => {
    await product?.stop();
    await receiver?.stop();
  });

  it('links the HTTP request, the update, the workflow, the activity and its transaction in one trace, continuing the caller’s', async () => {
    const callerTrace = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const dueDate = addCalendarDays(calendarDateInLondon(Date.now()), 30);
    const response = await api.call(
      'POST',
      `/api/recommendations/${ids[0]}/commands`,
      { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate },
      undefined,
      { traceparent: `00-${callerTrace}-${callerSpan}-01` },
    );
    expect(response.status).toBe(200);

    const trace = await eventually(
      async () => receiver.spans.filter((span) => span.traceId === callerTrace),
      (spans) => spans.some((span) => span.name === 'recordTransition transaction') && spans.some((s) => s.kind === 2),
      { timeoutMs: 30_000, what: "the command's spans at the receiver" },
    );
    expect(receiver.paths.every((line) => line.startsWith('POST /v1/traces application/json'))).toBe(true);

    const transaction = trace.find((span) => span.name === 'recordTransition transaction')!;
    expect(transaction.attributes).toMatchObject({
      'recommendation.id': ids[0],
      'command.type': 'assign',
      outcome: 'recorded',
    });
    const chain = ancestry(receiver.spans, transaction);
    expect(chain.map((span) => span.name)).toEqual([
      'recordTransition transaction',
      'RunActivity:recordTransition',
      'StartActivity:recordTransition',
      'HandleUpdate:command',
      expect.stringMatching(/^(StartWorkflowUpdate|UpdateWithStartWorkflow):command$/),
      'POST /api/recommendations/:id/commands',
    ]);
    const httpSpan = chain.at(-1)!;
    // The caller's span is the HTTP span's parent: the trace continues theirs.
    expect(httpSpan.parentSpanId).toBe(callerSpan);
    expect(httpSpan.kind).toBe(2); // SERVER
    expect(httpSpan.attributes).toMatchObject({ 'http.route': '/api/recommendations/:id/commands', 'http.response.status_code': 200 });
    expect(new Set(chain.map((span) => span.service))).toEqual(new Set(['tracker-under-test']));
    expect(chain.find((span) => span.name === 'HandleUpdate:command')!.attributes).toMatchObject({
      workflowId: `recommendation-${ids[0]}`,
    });
  });

  it('starts a trace of its own for a request without traceparent, and leaves probes and scrapes out', async () => {
    const before = receiver.spans.length;
    expect((await api.call('GET', `/api/recommendations/${ids[0]}`)).status).toBe(200);
    expect((await fetch(`${product.baseUrl}/healthz`)).status).toBe(200);
    const [read] = await eventually(
      async () => receiver.spans.slice(before).filter((span) => span.name === 'GET /api/recommendations/:id'),
      (spans) => spans.length === 1,
      { timeoutMs: 30_000, what: 'the read request span' },
    );
    expect(read!.parentSpanId).toBe('');
    expect(read!.attributes).toMatchObject({ 'http.response.status_code': 200 });
    expect(receiver.spans.some((span) => span.name.includes('/healthz'))).toBe(false);
  });
});
