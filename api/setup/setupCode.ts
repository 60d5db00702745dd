import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../platform/secrets';

/** Crockford's base 32: no I, L, O or U, so a code read off a terminal is typed right. 32 symbols: 5 bits each. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 4;
const GROUP_LENGTH = 5;

/** A new set-up code: 100 random bits, written in groups, like `7KQ2M-X9D4T-H3WNB-PZ6RF`. */
export function newSetupCode(): string {
  // 256 is a multiple of 32, so taking each byte modulo 32 keeps every symbol equally likely.
  const symbols = [...randomBytes(GROUPS * GROUP_LENGTH)].map((byte) => ALPHABET[byte % 32]!);
  return Array.from({ length: GROUPS }, (_, g) => symbols.slice(g * GROUP_LENGTH, (g + 1) * GROUP_LENGTH).join('')).join('-');
}

/** A code as typed, in its one canonical form: case, spaces and hyphens ignored, and O, I, L read as 0, 1, 1. */
export function canonicalSetupCode(typed: string): string {
  return typed
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/** What is stored of a code. A fast hash is enough: the code has 100 random bits, nothing to guess. */
export function setupCodeHash(code: string): string {
  return sha256Hex(`setup-code:${canonicalSetupCode(code)}`);
}
