import { Inject } from '@nestjs/common';
import type { AuthenticatedClient } from '../../../clients/clients.service';
import { type AuthenticationChallenge, OAuthError } from '../../../common/oauth/oauth-error';
import { nowSeconds } from '../../../common/time';
import { type AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/config.module';
import { SigningKeysService } from '../../../keys/signing-keys.service';
import { ReplayCache } from '../../../security/replay-cache';
import type { BindingRequest, TokenBinding } from '../token-binding';
import { TokenBindingProvider } from '../token-binding.decorator';
import { DpopNonces } from './dpop-nonces';
import { fapiApplies } from '../../../clients/fapi-profile';
import { DPOP_SIGNING_ALGS, ProofError, type VerifiedProof, verifyProof } from './dpop-proof';

/** What DPoP needs of the replay cache shared by every instance: a jti claimed once. */
export type ProofReplayCache = Pick<ReplayCache, 'claim'>;

/**
 * RFC 9449 DPoP: tokens bound to the key of the proof sent with the token request (`cnf.jkt`,
 * `token_type: DPoP`), presented with the `DPoP` scheme and a proof of the same key at every
 * protected route.
 */
@TokenBindingProvider()
export class DpopBinding implements TokenBinding {
  readonly confirmationMethod = 'jkt';
  readonly challenge: AuthenticationChallenge = { scheme: 'DPoP', algs: DPOP_SIGNING_ALGS };
  private nonces?: DpopNonces;

  constructor(
    @InjectConfig('dpop') private readonly dpop: AppConfig['dpop'],
    @InjectConfig('fapiProfile') private readonly fapiProfile: AppConfig['fapiProfile'],
    private readonly keys: SigningKeysService,
    @Inject(ReplayCache) private readonly replays: ProofReplayCache,
  ) {}

  async confirm(request: BindingRequest, client: AuthenticatedClient): Promise<string | null> {
    const header = request.headers.dpop;
    if (header === undefined) {
      // RFC 9449 §5.2: a client registered with dpop_bound_access_tokens gets no bearer tokens.
      if (client.dpopBoundAccessTokens) throw new OAuthError('invalid_dpop_proof', 'this client must send a DPoP proof');
      return null;
    }
    return (await this.proof(request, header, undefined, this.nonceRequiredFor(client))).jkt;
  }

  /**
   * RFC 9449 §10.1: a proof sent to the pushed authorization request endpoint binds the pushed
   * request, and so its authorization code, to the proof's key, as `dpop_jkt` does. The key's
   * thumbprint, or null without a proof. Checked as at the token endpoint, nonce included.
   */
  async pushedRequestKey(request: BindingRequest, client: AuthenticatedClient): Promise<string | null> {
    const header = request.headers.dpop;
    if (header === undefined) return null;
    return (await this.proof(request, header, undefined, this.nonceRequiredFor(client))).jkt;
  }

  /** RFC 9449 §8.2: a fresh nonce a successful response may carry, so the next proof needs no retry. */
  currentNonce(): string {
    return this.nonceSource().current(nowSeconds());
  }

  /** FAPI 2.0 clients always get server nonces (RFC 9449 §8), whatever DPOP_NONCE_REQUIRED says. */
  private nonceRequiredFor(client: AuthenticatedClient): boolean {
    return this.dpop.nonceRequired || fapiApplies(client, this.fapiProfile);
  }

  async verify(request: BindingRequest, jkt: string, accessToken: string): Promise<void> {
    const header = request.headers.dpop;
    if (header === undefined) throw new OAuthError('invalid_dpop_proof', 'a DPoP proof is required', { challenge: this.challenge });
    const proof = await this.proof(request, header, accessToken);
    // RFC 9449 §7.1: the proof's key must be the one the token is bound to.
    if (proof.jkt !== jkt) throw new OAuthError('invalid_dpop_proof', 'the proof key is not the key the token is bound to', { challenge: this.challenge });
  }

  /**
   * RFC 9449 §4.3 (the proof), §8 and §9 (the server nonce, checked before the `jti` is spent so
   * that the retry with a nonce is not a replay) and §11.1 (the `jti`, once on every instance
   * while the proof is young enough to be accepted). At a resource (`accessToken` given) errors
   * carry the DPoP challenge (401); at the token endpoint they are 400.
   */
  private async proof(
    request: BindingRequest,
    header: string | string[],
    accessToken?: string,
    nonceRequired = this.dpop.nonceRequired,
  ): Promise<VerifiedProof> {
    const challenge = accessToken === undefined ? undefined : this.challenge;
    if (typeof header !== 'string') throw new OAuthError('invalid_dpop_proof', 'send exactly one DPoP header', { challenge });
    const now = nowSeconds();
    const maxAgeSeconds = this.dpop.proofMaxAgeSeconds;
    let proof: VerifiedProof;
    try {
      proof = verifyProof(header, { method: request.method, url: request.url, now, maxAgeSeconds, accessToken });
    } catch (error) {
      if (error instanceof ProofError) throw new OAuthError('invalid_dpop_proof', error.message, { challenge });
      throw error;
    }
    const nonces = this.nonceSource();
    const nonceMissing = proof.nonce === undefined ? nonceRequired : !nonces.accepts(proof.nonce, now);
    if (nonceMissing) {
      throw new OAuthError('use_dpop_nonce', 'the DPoP proof must carry the nonce of the DPoP-Nonce header', {
        challenge,
        headers: { 'DPoP-Nonce': nonces.current(now) },
      });
    }
    // Keyed by the proof's key too, so that no one can spend another client's jti in advance. Kept one
    // second past the last instant verifyProof accepts its iat (iat == now - max age): an entry that
    // expired then could be claimed again.
    if (!(await this.replays.claim('dpop', `${proof.jkt}:${proof.jti}`, proof.iat + maxAgeSeconds + 1))) {
      throw new OAuthError('invalid_dpop_proof', 'the DPoP proof was already used', { challenge });
    }
    return proof;
  }

  /** Built on first use: the server secret the key derives from is read when the keys module starts. */
  private nonceSource(): DpopNonces {
    this.nonces ??= new DpopNonces(this.keys.derivedKey('dpop-nonce'), this.dpop.nonceRotationSeconds);
    return this.nonces;
  }
}
