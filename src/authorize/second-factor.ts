import { Injectable } from '@nestjs/common';
import { toString as qrSvg } from 'qrcode';
import { ClientsService } from '../clients/clients.service';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { ConsentService } from '../consent/consent.service';
import { TokenStore } from '../tokens/token-store';
import { isMultiFactor, withSecondFactor } from '../users/factors/mfa-policy';
import { PASSKEY_FACTOR, PasskeyFailure, PasskeysService } from '../users/factors/passkeys.service';
import { PendingFactor, SignInFactorsService } from '../users/factors/sign-in-factors.service';
import { base32Decode, otpauthUri } from '../users/factors/totp';
import type { UserProfile } from '../users/users.service';
import type { AuthorizeRequest } from './authorize-request';
import { LoginSession, LoginSessionService } from './login-session.service';

export type { PendingFactor } from '../users/factors/sign-in-factors.service';

export type StepUpResult = { readonly ok: true; readonly session: LoginSession } | { readonly ok: false; readonly error: string; readonly status: number };

/** A TOTP enrolment page's content: the secret, its key URI and QR code, and the sealed secret the form posts back. */
export interface TotpEnrolment {
  readonly secret: string;
  readonly sealed: string;
  readonly uri: string;
  readonly qrSvg: string;
}

/** The acr values an authorization request asks for (acr_values, or the claims parameter's acr). */
export function requestedAcr(request: Pick<AuthorizeRequest, 'claims'>): readonly string[] {
  const acr = request.claims?.id_token?.acr;
  if (!acr) return [];
  return [...(acr.values ?? []), ...(acr.value !== undefined ? [acr.value] : [])].map(String);
}

/**
 * The second step of a sign-in, shared by the authorization endpoint and the account page: whether
 * the session needs a second factor, checking a code (the session steps up in place: same cookie,
 * auth_time now), and enrolling an authenticator app.
 */
@Injectable()
export class SecondFactorStep {
  constructor(
    private readonly factors: SignInFactorsService,
    private readonly sessions: LoginSessionService,
    private readonly consents: ConsentService,
    private readonly tokens: TokenStore,
    private readonly clients: ClientsService,
    @InjectConfig('mfa') private readonly mfa: AppConfig['mfa'],
    @InjectConfig('brandName') private readonly brandName: AppConfig['brandName'],
    private readonly passkeys: PasskeysService,
  ) {}

  /** What this request still needs of the session, or null when its sign-in suffices. */
  async pending(request: AuthorizeRequest, session: LoginSession): Promise<PendingFactor | null> {
    return this.factors.pendingFactor({
      userId: session.user.id,
      client: request.client,
      authentication: session.authentication,
      requestedAcr: requestedAcr(request),
    });
  }

  /** Whether a session must give its code before managing factors (it signed in with a password alone, and has one). */
  async needsCodeForAccount(session: LoginSession): Promise<boolean> {
    return !isMultiFactor(session.authentication) && (await this.factors.hasSecondFactor(session.user.id));
  }

  /**
   * Whether the user must keep a second factor, so that their last one may not be removed: a
   * policy would otherwise take them through enrolment at their next sign-in, or lock them out of
   * the password grant. That is MFA_DEFAULT `required`, an administrator's requirement for the
   * user, or an application whose `mfa` is `required` that the user approved or holds live tokens
   * of (refresh tokens included: the grant goes on without a new sign-in).
   */
  async mustKeepAFactor(userId: string): Promise<boolean> {
    if (this.mfa.defaultPolicy === 'required' || (await this.factors.enrolmentRequired(userId))) return true;
    const [consents, tokens] = await Promise.all([this.consents.listForUser(userId), this.tokens.listActive({ userId })]);
    const clientIds = new Set([...consents.map((c) => c.clientId), ...tokens.map((t) => t.clientId)]);
    for (const clientId of clientIds) if ((await this.clients.findEnabled(clientId))?.mfa === 'required') return true;
    return false;
  }

  /** Checks a code; on success the session has stepped up. Failures count against the user's lockout. */
  async verify(session: LoginSession, code: string, clientId?: string): Promise<StepUpResult> {
    const result = await this.factors.verify(session.user.id, code, session.authentication, clientId);
    if (result.ok) return { ok: true, session: await this.stepUp(session, result.amr) };
    if (result.reason === 'locked') {
      const minutes = Math.max(1, Math.ceil(result.retryAfter / 60));
      return { ok: false, error: `Too many failed attempts. Try again in ${minutes} minute${minutes > 1 ? 's' : ''}.`, status: 429 };
    }
    if (code.startsWith('{')) return { ok: false, error: 'The passkey could not be verified. Try again, or enter a code.', status: 401 };
    return { ok: false, error: 'That code is not valid. Enter a new code from your app, or an unused recovery code.', status: 401 };
  }

  /** Whether the code page offers "Use a passkey": the user has one. */
  async offersPasskey(userId: string): Promise<boolean> {
    return (await this.factors.list(userId)).factors.some((factor) => factor.type === PASSKEY_FACTOR);
  }

  /** A new secret (or the pending one posted back) with its key URI and QR code. */
  async enrolment(user: UserProfile, sealed?: string): Promise<TotpEnrolment> {
    const pending = sealed ? this.factors.pendingSecret(user.id, sealed) : null;
    const started = pending ? { secret: pending, sealed: sealed! } : this.factors.startTotp(user.id);
    const uri = otpauthUri(this.brandName, user.username, base32Decode(started.secret)!);
    const svg = await qrSvg(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    // An image with a text alternative (WCAG 1.1.1); the key is written out beside it.
    const qr = svg.replace('<svg ', '<svg role="img" aria-label="QR code of the key for your authenticator app" ');
    return { ...started, uri, qrSvg: qr };
  }

  /**
   * Confirms an enrolment with the app's first code: the factor is stored and the session steps
   * up (the user has just proved both factors). Returns the recovery codes to show once.
   */
  async confirmEnrolment(
    session: LoginSession,
    sealed: string,
    code: string,
    name: string,
  ): Promise<{ readonly ok: true; readonly session: LoginSession; readonly recoveryCodes: readonly string[] } | { readonly ok: false }> {
    const codes = await this.factors.confirmTotp(session.user.id, sealed, code, name, { actorUserId: session.user.id, via: 'account' });
    if (!codes) return { ok: false };
    return { ok: true, session: await this.stepUp(session, ['otp']), recoveryCodes: codes };
  }

  /**
   * Adds a passkey from its registration response: the session steps up, as with a confirmed
   * authenticator app (the user has just proved the password and the new passkey).
   */
  async confirmPasskey(
    session: LoginSession,
    name: string,
    credential: string,
  ): Promise<{ readonly ok: true; readonly session: LoginSession; readonly name: string } | { readonly ok: false; readonly reason: PasskeyFailure }> {
    const added = await this.passkeys.register(session.user.id, name, credential, { actorUserId: session.user.id, via: 'account' });
    if (!added.ok) return added;
    return { ok: true, session: await this.stepUp(session, added.value.amr), name: added.value.passkey.name };
  }

  private async stepUp(session: LoginSession, factorAmr: readonly string[]): Promise<LoginSession> {
    const authentication = withSecondFactor(this.mfa, session.authentication, factorAmr);
    const authTime = await this.sessions.stepUp(session, authentication);
    return { ...session, authentication, authTime };
  }
}
