import type { Authentication } from '../common/oauth/authentication';
import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { FAPI2_MAX_CODE_LIFETIME_SECONDS, type FapiProfile, fapiApplies } from '../clients/fapi-profile';
import { randomToken, sha256Hex, uuidv7 } from '../common/crypto/tokens';
import { nowSeconds } from '../common/time';
import type { CodeChallengeMethod } from '../pkce/pkce';
import type { ClaimsRequest } from '../oidc/standard-claims';
import { SettingsService } from '../settings/settings.service';
import { AuthorizationCodeRepository } from './authorization-code.repository';
import type { Owner } from './owner';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity';

/** What a code records of the authorization request it answers (validated at the authorize endpoint). */
export interface CodeRequest {
  readonly client: { readonly id: string; readonly fapiProfile?: FapiProfile | null };
  readonly redirectUri: string;
  readonly redirectUriProvided: boolean;
  readonly scope: string;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: CodeChallengeMethod | null;
  readonly nonce?: string;
  readonly resource?: string;
  readonly claims?: ClaimsRequest | null;
  /** RFC 9449 §10: the DPoP key thumbprint the token request must prove. */
  readonly dpopJkt?: string;
}

/** Authorization codes: minted at the authorize endpoint, redeemed once at the token endpoint. */
@Injectable()
export class AuthorizationCodeService {
  constructor(
    private readonly codes: AuthorizationCodeRepository,
    private readonly settings: SettingsService,
    @InjectConfig('fapiProfile') private readonly fapiProfile: AppConfig['fapiProfile'],
  ) {}

  /** `authTime`: when the user authenticated (the login session's last sign-in or step-up), for the ID Token, with how. */
  /** In the caller's unit of work when there is one (a consent approval and its code commit together). */
  async issue(request: CodeRequest, userId: string, authTime: number, authentication: Authentication | null = null): Promise<string> {
    const { authorizationCodeTtl: configured } = await this.settings.get();
    const authorizationCodeTtl = fapiApplies({ id: request.client.id, fapiProfile: request.client.fapiProfile ?? null }, this.fapiProfile)
      ? Math.min(configured, FAPI2_MAX_CODE_LIFETIME_SECONDS)
      : configured;
    const code = randomToken();
    const now = nowSeconds();
    await this.codes.insert({
      id: uuidv7(),
      codeHash: sha256Hex(code),
      clientId: request.client.id,
      userId,
      redirectUri: request.redirectUri,
      redirectUriProvided: request.redirectUriProvided,
      scope: request.scope,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      nonce: request.nonce ?? null,
      resource: request.resource ?? null,
      claims: request.claims ?? null,
      dpopJkt: request.dpopJkt ?? null,
      authTime,
      authentication,
      expiresAt: now + authorizationCodeTtl,
      spentAt: null,
      createdAt: now,
    });
    return code;
  }

  find(code: string): Promise<AuthorizationCodeEntity | null> {
    return this.codes.findByHash(sha256Hex(code));
  }

  /**
   * Deletes, in the caller's unit of work, every unredeemed code of a user or an application
   * (disabled or deleted), or of a user for one application (their consent was withdrawn). Such a
   * code is then unknown, not spent: presented later it is an invalid code, not a replay (nothing
   * was issued from it to revoke, and no replay is reported). A redemption that read it before
   * finds nothing to spend (the spend is a conditional UPDATE) and stores nothing.
   */
  async voidUnredeemed(owner: Owner): Promise<void> {
    await this.codes.deleteUnredeemed(owner);
  }
}
