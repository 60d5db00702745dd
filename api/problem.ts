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
}

function fieldName(path: PropertyKey[], base: string): string {
  const rest = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${base}${rest}`.replace(/^\./, '') || base;
}

/** Parses with a zod schema; a failure becomes a 400 naming each bad field and why. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, base: 'body' | 'query' | 'params' = 'body'): z.output<S> {
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

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiProblem(404, 'Not found', `There is no ${req.method} ${req.path}`));
};

/** Errors never leak stack traces or SQL: unexpected ones are logged with the request id and answered with a plain 500. */
export const problemHandler: ErrorRequestHandler = (error, req, res, _next) => {
  let problem: ApiProblem;
  if (error instanceof ApiProblem) {
    problem = error;
  } else if ((error as { type?: string }).type === 'entity.parse.failed') {
    problem = new ApiProblem(400, 'The request body is not valid JSON', (error as Error).message);
  } else if ((error as { type?: string }).type === 'entity.too.large') {
    const limit = (error as { limit?: number }).limit;
    problem = new ApiProblem(413, 'The request is too large', limit ? `The most that can be sent at once is ${formatBytes(limit)}. Nothing was saved.` : 'Nothing was saved.');
  } else {
    req.log?.error({ err: error }, 'unexpected error');
    problem = new ApiProblem(500, 'Something went wrong', `Nothing was changed. Quote request id ${String(req.id ?? '')} if you report this.`);
  }
  res
    .status(problem.status)
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
