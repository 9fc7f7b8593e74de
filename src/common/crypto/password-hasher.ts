import { Algorithm, hash, verify } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';

/**
 * argon2id with the OWASP minimum (m = 19 MiB, t = 2, p = 1). @node-rs/argon2 runs on the libuv
 * thread pool, so a hash never blocks the event loop.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * At most one hash per core at a time. argon2 is memory-bound: more concurrent hashes than cores
 * (the libuv pool has 4 threads) only thrash the caches, and would occupy every pool thread that
 * DNS, file and crypto work also need. Further requests wait in order.
 */
export class HashingSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

const slots = new HashingSlots(availableParallelism());

export function hashPassword(password: string): Promise<string> {
  return slots.run(() => hash(password, OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await slots.run(() => verify(passwordHash, password));
  } catch {
    return false;
  }
}
