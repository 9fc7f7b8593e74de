import { Algorithm, hash, verify } from '@node-rs/argon2';
import { traced } from '../observability/tracing';

/**
 * argon2id with the OWASP minimum (m = 19 MiB, t = 2, p = 1). @node-rs/argon2 runs on the libuv
 * thread pool, so a hash never blocks the event loop.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** How every hash made with OPTIONS begins: any other stored hash is re-hashed at the next sign-in. */
export const CURRENT_HASH_PREFIX = `$argon2id$v=19$m=${OPTIONS.memoryCost},t=${OPTIONS.timeCost},p=${OPTIONS.parallelism}$`;

export function hashPassword(password: string): Promise<string> {
  return traced('password.hash', () => hash(password, OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await traced('password.verify', () => verify(passwordHash, password));
  } catch {
    return false;
  }
}
