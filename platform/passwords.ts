import * as argon2 from 'argon2';

/**
 * Password hashing with argon2id (RFC 9106). The parameters follow OWASP's guidance (19 MiB, 2 passes, 1 lane);
 * the PHC string stores them with the salt, so raising them later still verifies old hashes (and `needsRehash` says so).
 */
const options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const passwordRules = { minLength: 12, maxLength: 256 };

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, options);
  } catch {
    return true;
  }
}

let dummy: Promise<string> | null = null;

/** Spends the time of one verification when there is no account, so response times do not reveal who has one. */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hashPassword('no account has this password, it only burns time');
  await verifyPassword(await dummy, password);
  return false;
}

/** Why a new password is not acceptable, or null. */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < passwordRules.minLength) return `must be at least ${passwordRules.minLength} characters`;
  if (password.length > passwordRules.maxLength) return `must be at most ${passwordRules.maxLength} characters`;
  if (email && password.toLowerCase().includes(email.toLowerCase().split('@')[0]!))
    return 'must not be or contain the email address (the part before the @)';
  if (new Set(password).size < 5) return 'must not repeat the same few characters';
  return null;
}
