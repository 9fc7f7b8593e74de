/** What verifying a JWT access token established: the key that signed it, and what it says. */
export interface VerifiedAccessToken {
  readonly kid: string;
  readonly payload: Record<string, unknown>;
}

/**
 * The JWT access tokens this instance has verified, by their exact value, so that the next
 * introspection, userinfo or bearer call with the same token skips the signature check: one ES256
 * verification costs more than the indexed read an opaque token needs, and a resource server
 * introspects the same token on each call it serves. Only the signature check is skipped. The
 * caller still requires the key to be one it accepts now (a key dropped since is refused), and
 * expiry and revocation are checked on every call as before. Keyed by the whole value: header,
 * payload and signature together, so another payload under a known signature is a miss.
 * Bounded: past `capacity` tokens the oldest is forgotten (and verified again if it comes back).
 */
export class VerifiedAccessTokens {
  private readonly entries = new Map<string, VerifiedAccessToken>();

  constructor(private readonly capacity = 4096) {}

  get(token: string): VerifiedAccessToken | undefined {
    return this.entries.get(token);
  }

  remember(token: string, verified: VerifiedAccessToken): void {
    if (this.entries.size >= this.capacity && !this.entries.has(token)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, verified);
  }

  get size(): number {
    return this.entries.size;
  }
}
