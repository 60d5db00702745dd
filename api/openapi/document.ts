import { z } from 'zod';
import { describePermission, permissionTable, type Permission } from '../../platform/http/permissions';
import { fullPath, type Endpoint, type Feature } from '../../platform/http/endpoint';
import { problemSchema } from '../../platform/http/schemas';

type JsonSchema = Record<string, unknown>;

/** OpenAPI 3.1 path template from an express path: '/api/x/:id' → '/api/x/{id}'. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

/** Builds /api/openapi.json from the features' endpoint declarations (their zod schemas). */
export class OpenApiBuilder {
  private readonly components: Record<string, JsonSchema> = {};

  /** Converts a zod schema; named schemas (`.meta({ id })`) become components and are referenced. */
  schema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const converted = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    const defs = (converted.$defs ?? {}) as Record<string, JsonSchema>;
    delete converted.$defs;
    delete converted.$schema;
    const suffix = io === 'input' ? 'Input' : '';
    const rename = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rename);
      if (value && typeof value === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
          out[k] =
            k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')
              ? `#/components/schemas/${v.slice('#/$defs/'.length)}${suffix}`
              : rename(v);
        }
        return out;
      }
      return value;
    };
    for (const [name, def] of Object.entries(defs)) this.components[`${name}${suffix}`] = rename(def) as JsonSchema;
    const id = z.globalRegistry.get(schema)?.id;
    const body = rename(converted) as JsonSchema;
    if (id) {
      delete body.id;
      // A named root comes back either inline or as a reference to its own definition (already stored above).
      if (body.$ref !== `#/components/schemas/${id}${suffix}`) this.components[`${id}${suffix}`] = body;
      return { $ref: `#/components/schemas/${id}${suffix}` };
    }
    return body;
  }

  private parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
    if (!schema) return [];
    const converted = this.schema(schema, 'input');
    const properties = (converted.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((converted.required ?? []) as string[]);
    return Object.entries(properties).map(([name, property]) => {
      const { description, ...rest } = property;
      return { name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest };
    });
  }

  operation(feature: Feature, spec: Endpoint): JsonSchema {
    const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
    const responses: Record<string, JsonSchema> = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
              ),
            }
          : {}),
        ...(response.schema
          ? { content: { 'application/json': { schema: this.schema(response.schema, 'output') } } }
          : response.contentType
            ? { content: { [response.contentType]: { schema: { type: 'string', format: 'binary' } } } }
            : Number(status) >= 400
              ? { content: problem }
              : {}),
      };
    }
    const standard: [boolean, number, string][] = [
      [
        !!(spec.params || spec.query || spec.body || spec.rawBody),
        400,
        'The request has problems: each bad field is named with the reason. Nothing was saved.',
      ],
      [spec.access !== 'public', 401, 'Not signed in: send a session cookie or Authorization: Bearer <API token>.'],
      [spec.access !== 'public', 403, 'Not allowed for this person (the permission table), or a cookie request without its CSRF token.'],
      [!!spec.params, 404, 'Nothing has this id.'],
      [!!spec.conditional, 412, 'If-Match names an older version: reload and try again. Nothing was saved.'],
      [!!(spec.body || spec.rawBody), 413, 'The body is too large.'],
      [!!(spec.body || spec.rawBody), 415, 'The body is of a type this request does not take.'],
    ];
    for (const [applies, status, description] of standard)
      if (applies && !responses[status]) responses[status] = { description, content: problem };
    responses.default = { description: 'An unexpected error: nothing was changed; quote the X-Request-Id.', content: problem };

    const parameters = [...this.parameters(spec.params, 'path'), ...this.parameters(spec.query, 'query')];
    if (spec.conditional)
      parameters.push({
        name: 'If-Match',
        in: 'header',
        required: false,
        description: 'The version (ETag) the change was made on; a stale one gets 412.',
        schema: { type: 'string' },
      });
    const access =
      spec.access === 'public'
        ? 'Anyone, without signing in.'
        : spec.access === 'signedIn'
          ? 'Anyone signed in.'
          : `${permissionTable[spec.access as Permission].description}. Allowed: ${describePermission(spec.access as Permission)}.`;
    const path = fullPath(feature, spec);
    return {
      operationId: `${spec.method}${path
        .split('/')
        .filter(Boolean)
        .map((part) =>
          part.startsWith(':')
            ? `By${part.charAt(1).toUpperCase()}${part.slice(2)}`
            : part.replace(/(^|[-_])(\w)/g, (_m, _s, c: string) => c.toUpperCase()),
        )
        .join('')}`,
      tags: [feature.tag],
      summary: spec.summary,
      description: [spec.description, `**Who may:** ${access}`].filter(Boolean).join('\n\n'),
      'x-permission': spec.access,
      security: spec.access === 'public' ? [] : [{ bearerToken: [] }, { sessionCookie: [], csrfToken: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: this.schema(spec.body, 'input') } } } }
        : {}),
      ...(spec.rawBody
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                spec.rawBody.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
              ),
            },
          }
        : {}),
      responses,
    };
  }

  document(features: Feature[], info: { title: string; version: string; description: string }): JsonSchema {
    this.schema(problemSchema, 'output');
    const paths: Record<string, Record<string, JsonSchema>> = {};
    for (const feature of features) {
      for (const spec of feature.endpoints) {
        const path = openApiPath(fullPath(feature, spec));
        (paths[path] ??= {})[spec.method] = this.operation(feature, spec);
      }
    }
    return {
      openapi: '3.1.0',
      info,
      jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
      tags: features.map((f) => ({ name: f.tag, description: f.description })),
      paths,
      components: {
        schemas: Object.fromEntries(Object.entries(this.components).sort(([a], [b]) => a.localeCompare(b))),
        securitySchemes: {
          bearerToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token (rt_…) issued with POST /api/api-tokens; acts as the person it was issued for.',
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'rt_session',
            description: 'Set by signing in (POST /api/session or the sign-in page); named __Host-rt_session over TLS.',
          },
          csrfToken: {
            type: 'apiKey',
            in: 'header',
            name: 'X-CSRF-Token',
            description: 'Required with the session cookie on every change; from GET /api/session.',
          },
        },
      },
    };
  }
}
