import { z } from 'zod';
import { escapeHtml } from '../../platform/web/html';
import { renderView } from '../../platform/web/views';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { OpenApiBuilder } from './document';

type Json = Record<string, unknown>;

/** A JSON schema as a short phrase for people: "string (uuid)", "array of Recommendation", "one of a, b". */
function describeSchema(schema: Json | undefined): string {
  if (!schema) return '';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!;
  if (Array.isArray(schema.enum)) return `one of ${(schema.enum as unknown[]).map(String).join(', ')}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  for (const key of ['anyOf', 'oneOf'] as const)
    if (Array.isArray(schema[key])) return (schema[key] as Json[]).map(describeSchema).join(' or ');
  if (schema.type === 'array') return `list of ${describeSchema(schema.items as Json)}`;
  const format =
    typeof schema.format === 'string' ? ` (${schema.format})` : typeof schema.pattern === 'string' ? ` (${schema.pattern})` : '';
  return `${Array.isArray(schema.type) ? schema.type.join(' or ') : String(schema.type ?? 'any')}${format}`;
}

/** A body's fields for the page: a table of properties, or (for one of several shapes) one table per shape. */
type FieldTable = { rows: { text?: string; html?: string }[][] } | { text: string };

function fields(schema: Json | undefined, components: Record<string, Json>): FieldTable[] {
  let resolved = schema;
  if (resolved && typeof resolved.$ref === 'string') resolved = components[resolved.$ref.split('/').pop()!];
  if (resolved && Array.isArray(resolved.oneOf)) return (resolved.oneOf as Json[]).flatMap((variant) => fields(variant, components));
  const properties = (resolved?.properties ?? null) as Record<string, Json> | null;
  if (!properties) return [{ text: describeSchema(schema) }];
  const required = new Set((resolved?.required ?? []) as string[]);
  return [
    {
      rows: Object.entries(properties).map(([name, property]) => [
        { html: `<code>${escapeHtml(name)}</code>${required.has(name) ? '' : ' <span class="govuk-hint">(optional)</span>'}` },
        { text: describeSchema(property) },
        {
          text: [
            property.description as string | undefined,
            typeof property.maxLength === 'number' ? `at most ${property.maxLength} characters` : undefined,
            property.default !== undefined ? `default ${JSON.stringify(property.default)}` : undefined,
          ]
            .filter(Boolean)
            .join('; '),
        },
      ]),
    },
  ];
}

/** The readable reference page: every operation of the OpenAPI document, with who may call it and what it takes. */
export function referencePage(doc: Json, serviceName: string): string {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const components = ((doc.components as Json).schemas ?? {}) as Record<string, Json>;
  const tags = doc.tags as { name: string; description: string }[];
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const anchor = (name: string) => name.replace(/\W+/g, '-');
  return renderView('apiReference.njk', {
    title: 'API reference',
    serviceName,
    tags: tags.map((tag) => ({
      id: anchor(tag.name),
      name: tag.name,
      description: tag.description,
      operations: operations
        .filter(({ op }) => (op.tags as string[]).includes(tag.name))
        .map(({ path, method, op }) => {
          const parameters = (op.parameters ?? []) as Json[];
          const requestBody = op.requestBody as { content: Record<string, { schema: Json }> } | undefined;
          const responses = op.responses as Record<string, { description: string; content?: Record<string, { schema: Json }> }>;
          return {
            id: String(op.operationId),
            method: method.toUpperCase(),
            path,
            summary: String(op.summary),
            paragraphs: String(op.description ?? '')
              .split('\n\n')
              .map((paragraph) => paragraph.replace(/\*\*/g, '')),
            parameters: parameters.map((p) => [
              { html: `<code>${escapeHtml(String(p.name))}</code>${p.required ? '' : ' <span class="govuk-hint">(optional)</span>'}` },
              { text: String(p.in) },
              { text: describeSchema(p.schema as Json) },
              { text: String(p.description ?? '') },
            ]),
            bodies: requestBody
              ? Object.entries(requestBody.content).map(([type, c]) => ({ type, tables: fields(c.schema, components) }))
              : [],
            responses: Object.entries(responses).map(([status, r]) => ({
              status,
              description: r.description,
              content: r.content
                ? Object.entries(r.content)
                    .map(([type, c]) => `${type}: ${describeSchema(c.schema)}`)
                    .join('; ')
                : null,
            })),
          };
        }),
    })),
  });
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
