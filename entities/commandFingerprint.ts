import { createHash } from 'node:crypto';
import type { LifecycleCommand } from '../domain/lifecycle';

/** What a command asked, as a fingerprint: a retry with the same key must ask the same. */
export function commandFingerprint(recommendationId: string, actorId: string | null, command: LifecycleCommand): string {
  return createHash('sha256').update(canonicalJson({ recommendationId, actorId, command })).digest('hex');
}

/** JSON with object keys in a fixed order, so the same command always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
