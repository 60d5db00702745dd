import type { DataSource } from 'typeorm';
import type { Role } from '../../domain/vocabulary';
import { Person } from '../../entities';
import type { RecommendationView } from '../../api/recommendations/service';
import { OpenApiValidator } from './openApiValidator';
import type { TestProduct } from './testProduct';

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Problem {
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

const tokens = new WeakMap<TestProduct, Map<string, Promise<string>>>();

/**
 * An API token acting as this person, issued through the product's own AuthService (as an administrator would with
 * POST /api/api-tokens), once per person and test product.
 */
export function tokenFor(product: TestProduct, personId: string): Promise<string> {
  let byPerson = tokens.get(product);
  if (!byPerson) tokens.set(product, (byPerson = new Map()));
  let token = byPerson.get(personId);
  if (!token) {
    token = product.app.services.auth
      .issueApiToken({ personId, name: 'integration test', expiresAt: null }, { id: null, label: 'Test setup' })
      .then((issued) => issued.token);
    byPerson.set(personId, token);
  }
  return token;
}

/** Signs in through POST /api/session: the session cookie and the CSRF token that changes must carry. */
export async function signIn(
  baseUrl: string,
  email: string,
  password: string,
): Promise<{ cookie: string; csrfToken: string; status: number }> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as { csrfToken?: string };
  const cookie = (response.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('rt_session=')) ?? '';
  return { cookie, csrfToken: body.csrfToken ?? '', status: response.status };
}

/**
 * Drives the product the way an integration does: over HTTP with an API token (Authorization: Bearer) for the person
 * named by `as` (a person id), or for the client's default actor. Every JSON response is checked against the
 * product's OpenAPI document; a response that does not match it fails the test.
 */
export function apiClient(product: TestProduct) {
  const baseUrl = product.baseUrl;
  let defaultActor: string | null = null;
  let validator: Promise<OpenApiValidator> | null = null;

  async function headersFor(as: string | null | undefined): Promise<Record<string, string>> {
    const who = as === undefined ? defaultActor : as;
    return who ? { authorization: `Bearer ${await tokenFor(product, who)}` } : {};
  }

  /** `as`: a person id; undefined for the default actor; null for an anonymous request. */
  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    as?: string | null,
    extraHeaders: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(await headersFor(as)), ...extraHeaders },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type');
    const parsed = (text && contentType?.includes('json') ? JSON.parse(text) : text || null) as T;
    if (path.startsWith('/api/') || path === '/healthz' || path === '/readyz') {
      validator ??= OpenApiValidator.load(baseUrl);
      const problems = (await validator).problems(method, path, response.status, contentType, parsed);
      if (problems.length)
        throw new Error(`The response does not match the OpenAPI document:\n${problems.join('\n')}\n${text.slice(0, 2000)}`);
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  return {
    call,
    /** Who acts when a call names nobody. */
    actingAs(personId: string) {
      defaultActor = personId;
    },
    async createReport(
      report: {
        title: string;
        originator: string;
        kind: string;
        scope?: string;
        publishedOn?: string;
        recommendations: {
          reference: string;
          kind?: string;
          text?: string;
          category?: number | null;
          department?: string | null;
          forTheForce?: boolean;
          addressedTo?: string;
        }[];
      },
      as?: string,
    ): Promise<string[]> {
      const response = await call<{ recommendations: { id: string; reference: string }[] }>(
        'POST',
        '/api/reports',
        {
          scope: 'force',
          publishedOn: '2024-05-01',
          ...report,
          recommendations: report.recommendations.map((r) => ({
            kind: 'recommendation',
            text: `Recommendation ${r.reference} text`,
            ...r,
          })),
        },
        as,
      );
      if (response.status !== 201) throw new Error(`report not created: ${response.status} ${JSON.stringify(response.body)}`);
      return report.recommendations.map((r) => response.body.recommendations.find((x) => x.reference === r.reference)!.id);
    },
    /** Sends a lifecycle command that must be accepted; returns the recommendation afterwards. */
    async command(id: string, command: Record<string, unknown> & { type: string }, as?: string): Promise<RecommendationView> {
      const response = await call<RecommendationView & Problem>('POST', `/api/recommendations/${id}/commands`, command, as);
      if (response.status !== 200) throw new Error(`${command.type} was not accepted: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    /** Sends a command that must be refused; returns the problem. */
    async refused(id: string, command: Record<string, unknown> & { type: string }, as?: string): Promise<ApiResponse<Problem>> {
      const response = await call<Problem>('POST', `/api/recommendations/${id}/commands`, command, as);
      if (response.status === 200) throw new Error(`${command.type} was accepted but should have been refused`);
      return response;
    },
    async get(id: string, as?: string): Promise<RecommendationView> {
      const response = await call<RecommendationView>('GET', `/api/recommendations/${id}`, undefined, as);
      if (response.status !== 200) throw new Error(`GET ${id}: ${response.status}`);
      return response.body;
    },
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** Adds people straight to the database (as an administrator's import would). */
export async function addPeople<K extends string>(
  dataSource: DataSource,
  people: Record<K, { name: string; roles: Role[] }>,
): Promise<Record<K, Person>> {
  const repo = dataSource.getRepository(Person);
  const saved = {} as Record<K, Person>;
  for (const [key, person] of Object.entries(people) as [K, { name: string; roles: Role[] }][]) {
    saved[key] = await repo.save(repo.create({ ...person, email: `${person.name.toLowerCase().replace(/[^a-z]+/g, '.')}@test.police.uk` }));
  }
  return saved;
}

/** The test force: the same people, by the same names, in every test file that needs them. */
export const cast = {
  admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
  owner: { name: 'Tom Ellery', roles: ['action_owner'] },
  owner2: { name: 'Lucy Brannigan', roles: ['action_owner'] },
  lead: { name: 'Nadia Haskins', roles: ['lead'] },
  lead2: { name: 'Graham Osei', roles: ['lead'] },
  dcc: { name: 'Simon Hartley', roles: ['dcc'] },
  acc: { name: 'Joanna Merrick', roles: ['lead'] },
  finance: { name: 'Andrew Pemberton', roles: ['finance_director'] },
  liaison: { name: 'Rachel Okafor', roles: ['liaison_lead'] },
  viewer: { name: 'Margaret Holloway', roles: ['viewer'] },
} as const satisfies Record<string, { name: string; roles: readonly Role[] }>;

export type CastMember = keyof typeof cast;

/** Adds these members of the cast to the product's people. */
export function addCast<K extends CastMember>(dataSource: DataSource, ...members: K[]): Promise<Record<K, Person>> {
  return addPeople(
    dataSource,
    Object.fromEntries(members.map((m) => [m, { name: cast[m].name, roles: [...cast[m].roles] }])) as Record<
      K,
      { name: string; roles: Role[] }
    >,
  );
}
