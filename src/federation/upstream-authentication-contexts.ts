import { Injectable } from '@nestjs/common';
import { AuthenticationContext, AuthenticationContextSource } from '../oidc/authentication-context';
import { UpstreamLoginStatesRepository } from './upstream-login-states.repository';

/**
 * What our ID Tokens say of a session started through an upstream provider. RFC 8176 registers no
 * value for "signed in elsewhere" (no `fed`): naming one of its methods (`pwd`) would claim a check
 * nobody made here, so without trust the `amr` claim is left out (Core §2 makes it optional) and
 * `acr` is "0" when asked for. A provider trusted for them has its `amr` and `acr` passed on.
 */
@Injectable()
export class UpstreamAuthenticationContexts implements AuthenticationContextSource {
  constructor(private readonly states: UpstreamLoginStatesRepository) {}

  async find(userId: string, authTime: number): Promise<AuthenticationContext | null> {
    const signIn = await this.states.findBySignIn(userId, authTime);
    if (!signIn) return null;
    return { amr: signIn.amr ? (JSON.parse(signIn.amr) as string[]) : null, acr: signIn.acr };
  }
}
