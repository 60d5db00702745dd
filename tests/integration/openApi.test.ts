import { buildApp } from '../../api/server';
import { permissionNames } from '../../platform/http/permissions';
import type { Person } from '../../entities';
import { createLogger } from '../../platform/logger';
import { addPeople, apiClient, tokenFor, type ApiClient } from '../support/apiClient';
import { OpenApiValidator } from '../support/openApiValidator';
import { listRoutes } from '../support/routes';
import { startTestProduct, type TestProduct } from '../support/testProduct';

type Json = Record<string, unknown>;

/** The OpenAPI document: every route is in it, it hangs together, and real responses (errors too) validate against it. */
describe('OpenAPI document', () => {
  let product: TestProduct;
  let doc: Json;
  let validator: OpenApiValidator;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'viewer', Person>;

  beforeAll(async () => {
    product = await startTestProduct();
    const response = await fetch(`${product.baseUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as Json;
    validator = new OpenApiValidator(doc);
    api = apiClient(product);
    p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      viewer: { name: 'Margaret Holloway', roles: ['viewer'] },
    });
    api.actingAs(p.admin.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );

  it('documents every API route the app serves, and nothing it does not', () => {
    const app = buildApp({
      dataSource: product.app.dataSource,
      ...product.app.services,
      logger: createLogger({ level: 'silent' }),
      readiness: async () => ({ ready: true, checks: {} }),
      forceName: 'Test',
      evidenceMaxBytes: 1024,
    });
    const served = listRoutes(app)
      .filter((route) => / \/api\//.test(route) || route.endsWith(' /healthz') || route.endsWith(' /readyz'))
      .map((route) => route.replace(/:(\w+)/g, '{$1}'));
    const documented = operations().map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    expect(documented.sort()).toEqual(served.sort());
  });

  it('is OpenAPI 3.1 whose every operation says who may call it, declares its path parameters, and whose references resolve', () => {
    expect(doc.openapi).toBe('3.1.0');
    const components = (doc.components as { schemas: Json }).schemas;
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) expect(components).toHaveProperty([ref.slice(8, -1).split('/').pop()!]);
    for (const { path, method, op } of operations()) {
      expect([path, method, typeof op.summary]).toEqual([path, method, 'string']);
      expect(['public', 'signedIn', ...permissionNames]).toContain(op['x-permission']);
      expect(String(op.description)).toContain('Who may:');
      const declared = ((op.parameters ?? []) as { name: string; in: string }[]).filter((q) => q.in === 'path').map((q) => q.name);
      expect(declared.sort()).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
      expect(Object.keys(op.responses as Json)).toContain('default');
    }
  });

  it("documents the list's free-text search, q (issue 18, bug 7)", () => {
    const list = (doc.paths as Record<string, Record<string, Json>>)['/api/recommendations']!.get!;
    const q = ((list.parameters ?? []) as { name: string; in: string; description?: string }[]).find(
      (param) => param.in === 'query' && param.name === 'q',
    );
    expect(q?.description).toMatch(/reference, the report title or the item text/);
  });

  it('validates error responses too: 400, 401, 403, 404, 409, 412, 413 and 415 are documented problem+json', async () => {
    const [id] = await api.createReport({
      title: 'Errors',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', category: 2 }],
    });
    const send = async (method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) => {
      const response = await fetch(`${product.baseUrl}${path}`, { method, body: init.body, headers: init.headers });
      const text = await response.text();
      expect([path, response.headers.get('content-type')]).toEqual([path, expect.stringContaining('application/problem+json')]);
      const problems = validator.problems(method, path, response.status, response.headers.get('content-type'), JSON.parse(text));
      expect([path, response.status, problems]).toEqual([path, expect.any(Number), []]);
      return response.status;
    };
    const admin = { authorization: `Bearer ${await tokenFor(product, p.admin.id)}`, 'content-type': 'application/json' };
    const viewer = { authorization: `Bearer ${await tokenFor(product, p.viewer.id)}`, 'content-type': 'application/json' };
    expect(await send('POST', '/api/reports', { body: '{"title": 3}', headers: admin })).toBe(400);
    expect(await send('GET', '/api/recommendations')).toBe(401);
    expect(await send('POST', '/api/departments', { body: '{"name":"x"}', headers: viewer })).toBe(403);
    expect(await send('GET', '/api/recommendations/00000000-0000-4000-8000-000000000000', { headers: admin })).toBe(404);
    expect(await send('POST', `/api/recommendations/${id}/commands`, { body: '{"type":"accept"}', headers: admin })).toBe(409);
    expect(
      await send('POST', `/api/recommendations/${id}/commands`, { body: '{"type":"accept"}', headers: { ...admin, 'if-match': '"99"' } }),
    ).toBe(412);
    expect(await send('POST', '/api/departments', { body: JSON.stringify({ name: 'x'.repeat(1_100_000) }), headers: admin })).toBe(413);
    expect(
      await send('POST', '/api/departments', {
        body: 'name=x',
        headers: { ...admin, 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ).toBe(415);
  });

  it('serves a readable reference page listing every operation', async () => {
    const page = await fetch(`${product.baseUrl}/api/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const { path, method } of operations())
      expect(html).toMatch(
        new RegExp(`<strong class="govuk-tag govuk-tag--grey">\\s*${method.toUpperCase()}\\s*</strong> <code>${literal(path)}</code>`),
      );
    expect(html).toContain('Who may:');
    expect(html).not.toMatch(/<script/i);
  });
});
