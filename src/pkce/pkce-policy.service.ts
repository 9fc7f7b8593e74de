import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../clients/clients.service';
import { OAuthError } from '../common/oauth/oauth-error';
import { SettingsService } from '../settings/settings.service';
import type { CodeChallengeMethod } from './pkce';

/** A well-formed PKCE challenge of an authorization request, or none (RFC 7636 §4.3). */
export interface PkceChallenge {
  readonly client: AuthenticatedClient;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: CodeChallengeMethod | null;
}

export interface PkcePolicy {
  readonly required: boolean;
  readonly plainAllowed: boolean;
}

/**
 * Effective PKCE policy of a client: public clients always require it (RFC 9700 §2.1.1);
 * otherwise the client's override, or the global setting when it says `inherit`.
 */
@Injectable()
export class PkcePolicyService {
  constructor(private readonly settings: SettingsService) {}

  async resolve(client: AuthenticatedClient): Promise<PkcePolicy> {
    const global = await this.settings.get();
    const required = client.isPublic || client.pkce === 'required' || (client.pkce === 'inherit' && global.pkceRequired);
    return { required, plainAllowed: client.pkcePlainAllowed ?? global.pkcePlainAllowed };
  }

  /** Refuses a request the client's policy does not allow: a missing challenge where required, `plain` where not allowed. */
  async enforce(request: PkceChallenge): Promise<void> {
    const policy = await this.resolve(request.client);
    if (request.codeChallenge === null) {
      if (policy.required) throw new OAuthError('invalid_request', 'code_challenge is required (PKCE)');
      return;
    }
    if (request.codeChallengeMethod === 'plain' && !policy.plainAllowed) {
      throw new OAuthError('invalid_request', 'code_challenge_method plain is not allowed, use S256');
    }
  }
}
