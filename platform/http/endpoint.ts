import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { actingPersonOf, type ActingPerson } from './actor';
import type { Identity } from './identity';
import { authorize, mightBeAllowed, refusal, type Permission, type PermissionContext } from './permissions';
import { ApiProblem, parseInput } from './problem';

/**
 * Every API route is declared as an `Endpoint`: method, path, who may call it (a row of the permission table),
 * zod schemas for its parameters, query and body, and its responses. The same declarations build the express
 * routers, the OpenAPI document (/api/openapi.json) and the reference page, so none of them can drift.
 */

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** JSON body; omit for no body. */
  schema?: z.ZodType;
  /** Non-JSON bodies (a downloaded file). */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface HandlerContext<P, Q, B> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  /** Null only on public endpoints called anonymously. */
  by: ActingPerson;
  identity: Identity | null;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Endpoint<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: Method;
  /** Express path relative to the feature's mount point: '/', '/:id/commands'. */
  path: string;
  summary: string;
  description?: string;
  /** 'public': anyone; 'signedIn': any signed-in person; otherwise a row of the permission table. */
  access: 'public' | 'signedIn' | Permission;
  /**
   * For a permission granted through a relation (the item's owner…): reads the thing acted on and says how the
   * caller stands to it. Runs after the parameters are checked; may throw 404.
   */
  relation?: (ctx: { req: Request; params: Out<P>; identity: Identity }) => Promise<PermissionContext>;
  params?: P;
  query?: Q;
  body?: B;
  /** A body that is not JSON (an uploaded file): accepted types, and the most bytes. */
  rawBody?: { contentTypes: string[]; maxBytes: () => number };
  /** Honours If-Match with the resource's version; documented as such. */
  conditional?: boolean;
  responses: Record<number, ResponseSpec>;
  handle(ctx: HandlerContext<Out<P>, Out<Q>, Out<B>>): Promise<void> | void;
}

/** Declares an endpoint with its types inferred from its schemas. */
export function endpoint<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(definition: Endpoint<P, Q, B>): Endpoint {
  return definition as unknown as Endpoint;
}

/** A feature's endpoints and where they are mounted; `router()` turns them into express routes. */
export interface Feature {
  mountPath: string;
  tag: string;
  description: string;
  endpoints: Endpoint[];
}

const jsonTypes = ['application/json', 'application/*+json'];

function bodyProblem(req: Request, spec: Endpoint): ApiProblem | null {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return null;
  if (!spec.body && !spec.rawBody) return null;
  if (spec.body && !req.is(jsonTypes)) {
    return new ApiProblem(
      415,
      'Send JSON',
      `This request takes a JSON body (Content-Type: application/json), not ${req.get('content-type') ?? 'an unnamed type'}. Nothing was saved.`,
      [{ field: 'header.Content-Type', message: 'must be application/json' }],
    );
  }
  return null;
}

function wrap(spec: Endpoint): RequestHandler[] {
  const handlers: RequestHandler[] = [];
  handlers.push(async (req, _res, next) => {
    const identity = req.identity ?? null;
    if (spec.access !== 'public') {
      if (!identity)
        throw new ApiProblem(401, 'Sign in first', 'This needs a signed-in session or an API token (Authorization: Bearer …).');
      if (spec.access !== 'signedIn') {
        if (!mightBeAllowed(identity, spec.access)) throw refusal(spec.access);
        if (!spec.relation) authorize(identity, spec.access);
      }
    }
    next();
  });
  if (spec.rawBody) {
    const raw = spec.rawBody;
    handlers.push((req, res, next) => express.raw({ type: () => true, limit: raw.maxBytes() })(req, res, next));
  }
  handlers.push(async (req, res) => {
    const identity = req.identity ?? null;
    const problem = bodyProblem(req, spec);
    if (problem) throw problem;
    const params = spec.params ? parseInput(spec.params, req.params, 'params') : undefined;
    if (identity && spec.relation && spec.access !== 'public' && spec.access !== 'signedIn') {
      const context = await spec.relation({ req, params: params as never, identity });
      authorize(identity, spec.access, context);
    }
    const query = spec.query ? parseInput(spec.query, req.query, 'query') : undefined;
    const body = spec.body ? parseInput(spec.body, req.body, 'body') : undefined;
    const by = identity ? actingPersonOf(identity) : { actor: { personId: null, roles: [] }, label: 'Anonymous visitor' };
    await spec.handle({ req, res, params, query, body, by, identity } as never);
  });
  return handlers;
}

export function featureRouter(feature: Feature): Router {
  const router = Router({ mergeParams: true });
  for (const spec of feature.endpoints) router[spec.method](spec.path, ...wrap(spec));
  return router;
}

/** The full path of an endpoint, in express form: '/api/recommendations/:id/commands'. */
export function fullPath(feature: Feature, spec: Endpoint): string {
  const joined = `${feature.mountPath}${spec.path === '/' ? '' : spec.path}`;
  return joined || '/';
}
