import type { DataSource } from 'typeorm';
import type { Role } from '../../domain/vocabulary';
import { Person } from '../../entities';
import type { RecommendationView } from '../../api/recommendations/service';

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

/** Drives the product the way a client does: over HTTP, naming the acting person with X-Person-Id. */
export function apiClient(baseUrl: string) {
  async function call<T>(method: string, path: string, body?: unknown, as?: string): Promise<ApiResponse<T>> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(as ? { 'x-person-id': as } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
  }

  return {
    call,
    async createReport(report: {
      title: string;
      originator: string;
      kind: string;
      scope?: string;
      publishedOn?: string;
      recommendations: { reference: string; kind?: string; text?: string; category?: number | null; department?: string | null; forTheForce?: boolean; addressedTo?: string }[];
    }): Promise<string[]> {
      const response = await call<{ recommendations: { id: string; reference: string }[] }>('POST', '/api/reports', {
        scope: 'force',
        publishedOn: '2024-05-01',
        ...report,
        recommendations: report.recommendations.map((r) => ({ kind: 'recommendation', text: `Recommendation ${r.reference} text`, ...r })),
      });
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

/** Adds people straight to the database (the people api arrives with sign-in). */
export async function addPeople<K extends string>(dataSource: DataSource, people: Record<K, { name: string; roles: Role[] }>): Promise<Record<K, Person>> {
  const repo = dataSource.getRepository(Person);
  const saved = {} as Record<K, Person>;
  for (const [key, person] of Object.entries(people) as [K, { name: string; roles: Role[] }][]) {
    saved[key] = await repo.save(repo.create({ ...person, email: `${person.name.toLowerCase().replace(/[^a-z]+/g, '.')}@test.police.uk` }));
  }
  return saved;
}
