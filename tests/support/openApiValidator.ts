import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

type Json = Record<string, unknown>;

/** Points the document's `#/components/schemas/X` references at the components schema added to ajv. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
          ? `components.json#/$defs/${v.slice('#/components/schemas/'.length)}`
          : relink(v),
      ]),
    );
  }
  return value;
}

/**
 * Checks responses against the product's own /api/openapi.json: the operation is found by method and path, the
 * response by status (or `default`), and the body is validated with the schema documented for its content type.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: { method: string; template: string; pattern: RegExp; literal: number }[] = [];

  constructor(readonly document: Json) {
    const components = ((document.components as Json | undefined)?.schemas ?? {}) as Json;
    this.ajv.addSchema({ $id: 'components.json', $defs: relink(components) } as Json);
    for (const [template, methods] of Object.entries(document.paths as Record<string, Json>)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`);
      for (const method of Object.keys(methods))
        this.routes.push({ method, template, pattern, literal: template.replace(/\{\w+\}/g, '').length });
    }
  }

  static async load(baseUrl: string): Promise<OpenApiValidator> {
    const response = await fetch(`${baseUrl}/api/openapi.json`);
    if (response.status !== 200) throw new Error(`GET /api/openapi.json answered ${response.status}`);
    return new OpenApiValidator((await response.json()) as Json);
  }

  /** The documented operation for a request, or null. */
  operation(method: string, path: string): { template: string; operation: Json } | null {
    const pathOnly = path.split('?')[0]!;
    const candidates = this.routes
      .filter((r) => r.method === method.toLowerCase() && r.pattern.test(pathOnly))
      .sort((a, b) => b.literal - a.literal);
    const best = candidates[0];
    if (!best) return null;
    return {
      template: best.template,
      operation: (this.document.paths as Record<string, Record<string, Json>>)[best.template]![best.method] as Json,
    };
  }

  /** Problems with a response; empty when it matches the document. */
  problems(method: string, path: string, status: number, contentType: string | null, body: unknown): string[] {
    const found = this.operation(method, path);
    if (!found) return [`${method} ${path} is not in the OpenAPI document`];
    const responses = found.operation.responses as Record<string, Json>;
    const key = responses[String(status)] ? String(status) : 'default';
    const response = responses[key];
    if (!response) return [`${method} ${found.template} does not document status ${status}`];
    const content = response.content as Record<string, Json> | undefined;
    if (!contentType || body === null || body === undefined || body === '') {
      return [];
    }
    const type = contentType.split(';')[0]!.trim();
    if (!content) return [`${method} ${found.template} ${status} documents no body, but one of type ${type} came`];
    if (!content[type]) return [`${method} ${found.template} ${status} documents ${Object.keys(content).join(', ')}, not ${type}`];
    if (!type.endsWith('json')) return [];
    const pointer = `${method} ${found.template} ${key} ${type}`;
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile(relink(content[type]!.schema) as Json);
      this.compiled.set(pointer, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? [])
      .slice(0, 10)
      .map((e) =>
        `${method} ${found.template} ${status}: ${e.instancePath || '(body)'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`.trim(),
      );
  }
}
