import { Injectable } from '@nestjs/common';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { PendingAuthorization, UpstreamButton, UpstreamSignIn } from '../authorize/upstream-sign-in';
import { SamlSignInService } from './saml-sign-in.service';
import { UpstreamProvidersRepository } from './upstream-providers.repository';
import { UpstreamSignInService } from './upstream-sign-in.service';

/** The login page's "Sign in with …" buttons, whatever the provider's protocol: a click starts its flow. */
@Injectable()
export class UpstreamSignInDispatcher implements UpstreamSignIn {
  constructor(
    private readonly providers: UpstreamProvidersRepository,
    private readonly oidc: UpstreamSignInService,
    private readonly saml: SamlSignInService,
  ) {}

  buttons(): Promise<readonly UpstreamButton[]> {
    return this.oidc.buttons();
  }

  async start(req: Request, res: Response, providerId: string, pending: PendingAuthorization): Promise<void> {
    const provider = providerId ? await this.providers.findEnabled(providerId) : null;
    if (provider?.protocol === 'saml' && provider.samlSettings) return this.saml.start(req, res, provider, pending);
    return this.oidc.start(req, res, providerId, pending);
  }

  /** SAML providers have no upstream end session (Single Logout is not supported), so only OpenID Connect ones answer. */
  endSessionUrl(sessionCookie: string | undefined, postLogoutRedirectUri: string | undefined, state: string | undefined): Promise<string | null> {
    return this.oidc.endSessionUrl(sessionCookie, postLogoutRedirectUri, state);
  }
}
