import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { z } from 'zod';
import { ApiProblem } from './problem';

/**
 * Cursor pagination (keyset): a page ends with `nextCursor`, an opaque token holding the sort keys of its last row;
 * the next page starts strictly after it, so rows added or changed meanwhile never shift a page or repeat a row.
 */

export const pageQuery = {
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 200' })
    .int('must be a whole number from 1 to 200')
    .min(1, 'must be a whole number from 1 to 200')
    .max(200, 'must be a whole number from 1 to 200')
    .default(50),
  cursor: z.string().max(1000, 'is not a cursor this api gave out').optional(),
};

export interface SortKey {
  /** SQL expression over the query's aliases. */
  expr: string;
  dir: 'ASC' | 'DESC';
  /** PostgreSQL type the key is compared as (its text form travels in the cursor). */
  type: 'text' | 'date' | 'timestamptz' | 'uuid' | 'bigint';
}

export function encodeCursor(sort: string, values: string[]): string {
  return Buffer.from(JSON.stringify({ s: sort, v: values })).toString('base64url');
}

/** Whether a cursor value is a well-formed value of the key's type (so a tampered cursor is a 400, not a database error). */
function fitsType(value: string, type: SortKey['type']): boolean {
  switch (type) {
    case 'text':
      return !value.includes('\u0000');
    case 'uuid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
    case 'bigint':
      return /^\d{1,19}$/.test(value);
    case 'timestamptz':
      return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(value);
  }
}

export function decodeCursor(cursor: string, sort: string, keyCount: number, types?: SortKey['type'][]): string[] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; v?: unknown };
    if (
      parsed.s === sort &&
      Array.isArray(parsed.v) &&
      parsed.v.length === keyCount &&
      parsed.v.every((v, i) => typeof v === 'string' && v.length <= 500 && (!types || fitsType(v, types[i]!)))
    ) {
      return parsed.v as string[];
    }
  } catch {
    // falls through
  }
  throw ApiProblem.invalid([
    { field: 'query.cursor', message: 'is not a cursor this api gave out for this sort order; start again without it' },
  ]);
}

/**
 * Orders by `keys`, starts after `cursor` and reads one row more than `limit` to know whether a next page exists.
 * Returns the entities and the next cursor.
 */
export async function keysetPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  options: { sort: string; keys: SortKey[]; limit: number; cursor?: string },
): Promise<{ items: T[]; nextCursor: string | null }> {
  const { keys } = options;
  keys.forEach((key, i) => {
    qb.addSelect(`(${key.expr})::text`, `cursor_k${i}`);
    qb.addOrderBy(key.expr, key.dir, key.dir === 'ASC' ? 'NULLS LAST' : 'NULLS FIRST');
  });
  if (options.cursor) {
    const values = decodeCursor(
      options.cursor,
      options.sort,
      keys.length,
      keys.map((k) => k.type),
    );
    // (k0 after v0) OR (k0 = v0 AND k1 after v1) OR …
    const clauses = keys.map((key, i) => {
      const equal = keys.slice(0, i).map((k, j) => `(${k.expr}) = CAST(:cursor_v${j} AS ${k.type})`);
      const after = `(${key.expr}) ${key.dir === 'ASC' ? '>' : '<'} CAST(:cursor_v${i} AS ${key.type})`;
      return `(${[...equal, after].join(' AND ')})`;
    });
    qb.andWhere(`(${clauses.join(' OR ')})`, Object.fromEntries(values.map((v, i) => [`cursor_v${i}`, v])));
  }
  qb.take(undefined).limit(options.limit + 1);
  const { entities, raw } = await qb.getRawAndEntities();
  const items = entities.slice(0, options.limit);
  let nextCursor: string | null = null;
  if (entities.length > options.limit) {
    const last = raw[options.limit - 1] as Record<string, string>;
    nextCursor = encodeCursor(
      options.sort,
      keys.map((_, i) => last[`cursor_k${i}`]!),
    );
  }
  return { items, nextCursor };
}
