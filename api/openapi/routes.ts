import { z } from 'zod';
import { html, page, type SafeHtml } from '../../web/html';
import { endpoint, type Feature } from '../endpoint';
import { OpenApiBuilder } from './document';

type Json = Record<string, unknown>;

/** A JSON schema as a short phrase for people: "string (uuid)", "array of Recommendation", "one of a, b". */
function describeSchema(schema: Json | undefined): string {
  if (!schema) return '';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!;
  if (Array.isArray(schema.enum)) return `one of ${(schema.enum as unknown[]).map(String).join(', ')}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  for (const key of ['anyOf', 'oneOf'] as const) if (Array.isArray(schema[key])) return (schema[key] as Json[]).map(describeSchema).join(' or ');
  if (schema.type === 'array') return `list of ${describeSchema(schema.items as Json)}`;
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : typeof schema.pattern === 'string' ? ` (${schema.pattern})` : '';
  return `${Array.isArray(schema.type) ? schema.type.join(' or ') : String(schema.type ?? 'any')}${format}`;
}

function fields(schema: Json | undefined, components: Record<string, Json>): SafeHtml {
  let resolved = schema;
  if (resolved && typeof resolved.$ref === 'string') resolved = components[resolved.$ref.split('/').pop()!];
  if (resolved && Array.isArray(resolved.oneOf)) {
    return html`<ul>${(resolved.oneOf as Json[]).map((variant) => html`<li>${fields(variant, components)}</li>`)}</ul>`;
  }
  const properties = (resolved?.properties ?? null) as Record<string, Json> | null;
  if (!properties) return html`<span>${describeSchema(schema)}</span>`;
  const required = new Set((resolved?.required ?? []) as string[]);
  return html`<table><thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Notes</th></tr></thead><tbody>${Object.entries(properties).map(
    ([name, property]) =>
      html`<tr><td><code>${name}</code>${required.has(name) ? '' : html` <span class="hint">(optional)</span>`}</td><td>${describeSchema(property)}</td><td>${[
        property.description as string | undefined,
        typeof property.maxLength === 'number' ? `at most ${property.maxLength} characters` : undefined,
        property.default !== undefined ? `default ${JSON.stringify(property.default)}` : undefined,
      ]
        .filter(Boolean)
        .join('; ')}</td></tr>`,
  )}</tbody></table>`;
}

/** The readable reference page: every operation of the OpenAPI document, with who may call it and what it takes. */
export function referencePage(doc: Json, serviceName: string): string {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const components = ((doc.components as Json).schemas ?? {}) as Record<string, Json>;
  const tags = doc.tags as { name: string; description: string }[];
  const operations = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const body = html`<h1>API reference</h1>
<p>Every route of the api, generated from the same zod schemas that check requests. Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
<p>Authenticate with an API token (<code>Authorization: Bearer rt_…</code>, issued with <code>POST /api/api-tokens</code>) or a session cookie from signing in; with the cookie, every change must also send <code>X-CSRF-Token</code> (from <code>GET /api/session</code>). Errors are <code>application/problem+json</code> naming each bad field and why; a refused request changes nothing.</p>
<h2>Contents</h2>
<ul>${tags.map((t) => html`<li><a href="#${t.name.replace(/\W+/g, '-')}">${t.name}</a>: ${t.description}</li>`)}</ul>
${tags.map(
  (tag) => html`<h2 id="${tag.name.replace(/\W+/g, '-')}">${tag.name}</h2><p class="hint">${tag.description}</p>
${operations
  .filter(({ op }) => (op.tags as string[]).includes(tag.name))
  .map(({ path, method, op }) => {
    const parameters = (op.parameters ?? []) as Json[];
    const requestBody = op.requestBody as { content: Record<string, { schema: Json }> } | undefined;
    const responses = op.responses as Record<string, { description: string; content?: Record<string, { schema: Json }> }>;
    return html`<section>
<h3 id="${String(op.operationId)}"><span class="tag">${method.toUpperCase()}</span> <code>${path}</code></h3>
<p><strong>${String(op.summary)}</strong></p>
${String(op.description ?? '')
  .split('\n\n')
  .map((paragraph) => html`<p>${paragraph.replace(/\*\*/g, '')}</p>`)}
${
  parameters.length
    ? html`<h4>Parameters</h4><table><thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">Notes</th></tr></thead><tbody>${parameters.map(
        (p) =>
          html`<tr><td><code>${String(p.name)}</code>${p.required ? '' : html` <span class="hint">(optional)</span>`}</td><td>${String(p.in)}</td><td>${describeSchema(p.schema as Json)}</td><td>${String(p.description ?? '')}</td></tr>`,
      )}</tbody></table>`
    : ''
}
${requestBody ? html`<h4>Request body</h4>${Object.entries(requestBody.content).map(([type, c]) => html`<p><code>${type}</code></p>${fields(c.schema, components)}`)}` : ''}
<h4>Responses</h4>
<dl>${Object.entries(responses).map(([status, r]) => html`<dt>${status}</dt><dd>${r.description}${r.content ? html` <span class="hint">(${Object.entries(r.content).map(([type, c]) => `${type}: ${describeSchema(c.schema)}`).join('; ')})</span>` : ''}</dd>`)}</dl>
</section>`;
  })}`,
)}`;
  return page({ title: 'API reference', serviceName, body });
}

/** /api/openapi.json and its readable page, built once from every feature's endpoint declarations. */
export function docsFeature(features: () => Feature[], serviceName: string): Feature {
  let cached: Json | null = null;
  const documentOf = () =>
    (cached ??= new OpenApiBuilder().document([...features(), self], {
      title: `${serviceName} API`,
      version: '1',
      description: 'Tracks police inspection recommendations to closure. Generated from the zod schemas that check every request.',
    }));
  const self: Feature = {
    mountPath: '/api',
    tag: 'Documentation',
    description: 'This document and its readable page.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/openapi.json',
        summary: 'The OpenAPI 3.1 document',
        access: 'public',
        responses: { 200: { description: 'OpenAPI 3.1', schema: z.looseObject({ openapi: z.string(), paths: z.looseObject({}) }) } },
        handle({ res }) {
          res.json(documentOf());
        },
      }),
      endpoint({
        method: 'get',
        path: '/docs',
        summary: 'The API reference page',
        access: 'public',
        responses: { 200: { description: 'HTML', contentType: 'text/html' } },
        handle({ res }) {
          res.type('html').send(referencePage(documentOf(), serviceName));
        },
      }),
    ],
  };
  return self;
}
