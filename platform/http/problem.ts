import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type {} from 'pino-http';
import { z } from 'zod';

export interface FieldProblem {
  field: string;
  message: string;
}

/** The one error type the api throws; the error handler turns it into application/problem+json. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors: FieldProblem[] = [],
    /** Headers the answer carries (Retry-After…). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'ApiProblem';
  }

  static notFound(what: string): ApiProblem {
    return new ApiProblem(404, 'Not found', `${what} was not found`);
  }

  static invalid(errors: FieldProblem[]): ApiProblem {
    return new ApiProblem(400, 'The request has problems', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }

  static refused(reason: string): ApiProblem {
    return new ApiProblem(409, 'Not allowed now', reason.charAt(0).toUpperCase() + reason.slice(1));
  }

  /** The command reached the workflow engine, or may have, and no answer came back: only a retry with the same key can tell. */
  static outcomeUnknown(idempotencyKey: string): ApiProblem {
    return new ApiProblem(
      503,
      'The outcome is not known yet',
      `The workflow engine did not answer in time, so the change may or may not have been made. Send the same request again with the header Idempotency-Key: ${idempotencyKey} to find out; it will not be made twice.`,
      [],
      { 'Retry-After': '5', 'Idempotency-Key': idempotencyKey },
    );
  }
}

/**
 * Checks an If-Match header against the current version: a stale edit gets 412 and nothing is written. `*` and a
 * weak or quoted tag are accepted forms; a list matches if any entry does.
 */
export function requireVersion(ifMatch: string, current: number, what: string): void {
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
  if (tags.includes('*') || tags.includes(String(current))) return;
  throw new ApiProblem(
    412,
    `Someone else changed this ${what}`,
    `The ${what} is now at version ${current} (ETag "${current}"), not ${ifMatch}; reload it and make your change again. Nothing was saved.`,
  );
}

/**
 * The one version an If-Match names, for a check made where the version can change (a workflow); `*` (any) gives
 * undefined. Anything else is a 400 naming the header.
 */
export function versionFromIfMatch(ifMatch: string): number | undefined {
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
  if (tags.includes('*')) return undefined;
  if (tags.length === 1 && /^\d{1,9}$/.test(tags[0]!)) return Number(tags[0]);
  throw ApiProblem.invalid([{ field: 'header.If-Match', message: 'must be one version, as the ETag gave it (for example "3")' }]);
}

/** An Idempotency-Key header: the client's own (checked), or a fresh one when it sent none. */
export function idempotencyKeyFrom(header: string | undefined): string {
  if (header === undefined) return randomUUID();
  if (!/^[\x21-\x7e]{8,200}$/.test(header)) {
    throw ApiProblem.invalid([
      { field: 'header.Idempotency-Key', message: 'must be 8 to 200 printable characters without spaces (a UUID is best)' },
    ]);
  }
  return header;
}

function fieldName(path: PropertyKey[], base: string): string {
  const rest = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${base}${rest}`.replace(/^\./, '') || base;
}

/** Parses with a zod schema; a failure becomes a 400 naming each bad field and why. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Paths of strings PostgreSQL cannot store: NUL characters, and halves of UTF-16 surrogate pairs (not Unicode at
 * all). They are refused with a 400 naming the field rather than failing in the database with a 500.
 */
function unstorable(value: unknown): PropertyKey[][] {
  const found: PropertyKey[][] = [];
  const broken = (text: string) => text.includes('\u0000') || loneSurrogate.test(text);
  // A stack rather than recursion: however deep the value, the walk cannot overflow.
  const pending: [unknown, PropertyKey[]][] = [[value, []]];
  while (pending.length && found.length < 10) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      if (broken(current)) found.push(path);
    } else if (current && typeof current === 'object' && !Buffer.isBuffer(current)) {
      const entries: [PropertyKey, unknown][] = Array.isArray(current)
        ? current.map((item, index) => [index, item])
        : Object.entries(current);
      const children: [unknown, PropertyKey[]][] = [];
      for (const [key, item] of entries) {
        if (typeof key === 'string' && broken(key)) found.push([...path, key]);
        else children.push([item, [...path, key]]);
      }
      // Reversed onto the stack, so fields are reported in the order they were sent.
      for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
    }
  }
  return found.slice(0, 10);
}

/** No request of this api nests deeper than a handful of levels; 64 leaves room and keeps every walk of a body cheap. */
export const MAX_BODY_DEPTH = 64;

/**
 * How deeply a value nests (a scalar 0, `[]` or `{}` 1), counted without recursion and giving up as soon as it passes
 * `limit`: a 100,000-deep array must not overflow the stack of whatever looks at it next.
 */
export function nestingDepth(value: unknown, limit = MAX_BODY_DEPTH): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length && deepest <= limit) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object' || Buffer.isBuffer(current)) continue;
    deepest = Math.max(deepest, depth);
    for (const child of Array.isArray(current) ? current : Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}

function tooDeep(base: string, limit: number): ApiProblem {
  return new ApiProblem(
    400,
    'The request is nested too deeply',
    `Arrays and objects may be nested at most ${limit} levels deep. Nothing was saved.`,
    [{ field: base, message: `must not nest arrays or objects more than ${limit} levels deep` }],
  );
}

/** Refuses a parsed JSON body nested deeper than MAX_BODY_DEPTH, before authentication, validation or logging walk it. */
export const refuseDeepBodies: RequestHandler = (req, _res, next) => {
  next(nestingDepth(req.body) > MAX_BODY_DEPTH ? tooDeep('body', MAX_BODY_DEPTH) : undefined);
};

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, base: 'body' | 'query' | 'params' = 'body'): z.output<S> {
  if (nestingDepth(value) > MAX_BODY_DEPTH) throw tooDeep(base, MAX_BODY_DEPTH);
  const nul = unstorable(value);
  if (nul.length)
    throw ApiProblem.invalid(
      nul.map((path) => ({ field: fieldName(path, base), message: 'must be text without NUL characters (\\u0000) or broken Unicode' })),
    );
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw ApiProblem.invalid(
    result.error.issues.map((issue) => ({
      field: fieldName(issue.path, base),
      message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** An error as logged: message, name, code and stack, never the SQL parameters (which may hold hashes or tokens). */
function loggable(error: unknown): object {
  if (!(error instanceof Error)) return { message: String(error) };
  return { name: error.name, message: error.message, code: (error as { code?: unknown }).code, stack: error.stack };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiProblem(404, 'Not found', `There is no ${req.method} ${req.path}`));
};

/** Errors never leak stack traces or SQL: unexpected ones are logged with the request id and answered with a plain 500. */
export const problemHandler: ErrorRequestHandler = (error, req, res, _next) => {
  let problem: ApiProblem;
  if (error instanceof ApiProblem) {
    problem = error;
  } else if (error instanceof URIError) {
    // Express could not decode a percent-encoded part of the path (say %ff): the address is wrong, not the server.
    problem = new ApiProblem(
      400,
      'The address is not valid',
      'Part of the address is not valid percent-encoded UTF-8 (such as %ff). Nothing was done.',
      [{ field: 'path', message: 'must be valid percent-encoded UTF-8' }],
    );
  } else if ((error as { type?: string }).type === 'entity.parse.failed') {
    problem = new ApiProblem(400, 'The request body is not valid JSON', (error as Error).message);
  } else if ((error as { type?: string }).type === 'entity.too.large') {
    const limit = (error as { limit?: number }).limit;
    problem = new ApiProblem(
      413,
      'The request is too large',
      limit ? `The most that can be sent at once is ${formatBytes(limit)}. Nothing was saved.` : 'Nothing was saved.',
    );
  } else if ((error as { type?: string }).type === 'parameters.too.many') {
    problem = new ApiProblem(413, 'The form has too many fields', 'Nothing was saved.');
  } else if ((error as { type?: string }).type === 'encoding.unsupported' || (error as { type?: string }).type === 'charset.unsupported') {
    problem = new ApiProblem(415, 'The body is in an encoding this api does not read', 'Send UTF-8 JSON. Nothing was saved.');
  } else {
    req.log?.error({ err: loggable(error) }, 'unexpected error');
    problem = new ApiProblem(
      500,
      'Something went wrong',
      `The change may not have been made: reload to check before trying again. Quote request id ${String(req.id ?? '')} if you report this.`,
    );
  }
  res
    .status(problem.status)
    .set(problem.headers)
    .type('application/problem+json')
    .json({
      type: 'about:blank',
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      ...(problem.errors.length ? { errors: problem.errors } : {}),
      instance: req.originalUrl,
    });
};
