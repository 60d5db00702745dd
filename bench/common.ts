import { performance } from 'node:perf_hooks';
import { Client as PgClient } from 'pg';
import type { Logger } from '../runtime/logger';

/** Small things every benchmark here needs: bounded concurrency, timing, printing, a database of its own. */

/** Runs `work` for every item with at most `concurrency` in flight; the first failure stops new work and rejects. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const runner = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
}

export const elapsed = (since: number) => performance.now() - since;
export const say = (line: string) => process.stdout.write(`${line}\n`);
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function isoDateInDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export async function withPg<T>(url: string, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseUrlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Webpack's bundling chatter is not what a benchmark measures; its errors still show. */
export const quietWebpack = (logger: Logger) => ({ trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => logger.error(m), log() {} });
