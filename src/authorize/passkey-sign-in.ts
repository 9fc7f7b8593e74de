import { Injectable } from '@nestjs/common';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { passkeyAuthentication } from '../users/factors/mfa-policy';
import { PasskeyFailure, PasskeysService } from '../users/factors/passkeys.service';
import { UsersService } from '../users/users.service';
import { formString } from './form';
import { LoginSession, LoginSessionService } from './login-session.service';
import { setSessionCookie } from './page-response';

export type PasskeySignInResult =
  | { readonly ok: true; readonly session: LoginSession }
  | { readonly ok: false; readonly error: string; readonly status: number; readonly reason: PasskeyFailure | 'disabled' };

/** What a page says when a passkey was refused: a reason a user can act on, never a stack trace. */
export function passkeyFailureMessage(reason: PasskeyFailure | 'disabled', retryAfter = 0): { readonly error: string; readonly status: number } {
  switch (reason) {
    case 'locked': {
      const minutes = Math.max(1, Math.ceil(retryAfter / 60));
      return { error: `Too many failed attempts. Try again in ${minutes} minute${minutes > 1 ? 's' : ''}.`, status: 429 };
    }
    case 'challenge':
      return { error: 'This passkey request expired or was already used. Try again.', status: 400 };
    case 'origin':
      return { error: 'This passkey answer was made for another site, so it cannot sign you in here.', status: 400 };
    case 'unknown_credential':
      return { error: 'This passkey is not registered here. Sign in with your password, or use another passkey.', status: 401 };
    case 'attestation':
      return { error: 'This server accepts only passkeys whose authenticator proves its make and model (attestation).', status: 400 };
    case 'malformed':
      return { error: 'The passkey answer could not be read. Try again.', status: 400 };
    default:
      return { error: 'The passkey could not be verified. Try again.', status: 401 };
  }
}

/**
 * "Use a passkey" on the sign-in pages (the authorization endpoint, the account page): the
 * posted assertion of a discoverable credential, with no username, starts a login session.
 */
@Injectable()
export class PasskeySignIn {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly users: UsersService,
    private readonly sessions: LoginSessionService,
    @InjectConfig('mfa') private readonly mfa: AppConfig['mfa'],
  ) {}

  async signIn(req: Request, res: Response, clientId?: string): Promise<PasskeySignInResult> {
    const result = await this.passkeys.verifyAssertion(formString(req, 'credential') ?? '', null, clientId);
    if (!result.ok) return { ok: false, reason: result.reason, ...passkeyFailureMessage(result.reason, result.retryAfter) };
    const user = await this.users.findEnabled(result.value.userId);
    if (!user) return { ok: false, reason: 'disabled', ...passkeyFailureMessage('disabled') };
    const authentication = passkeyAuthentication(this.mfa, result.value.amr, result.value.userVerified);
    const started = await this.sessions.start(user.id, authentication);
    setSessionCookie(req, res, started.cookieValue, this.sessions.ttlSeconds);
    return { ok: true, session: { id: started.id, user, authTime: started.authTime, authentication } };
  }
}
