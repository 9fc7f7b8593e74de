import { Injectable } from '@nestjs/common';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import { readCookie, setCookie } from '../authorize/cookies';
import { InteractionKit } from '../authorize/interaction-kit';
import { PendingAuthorization } from '../authorize/upstream-sign-in';
import { randomToken, sha256Hex, timingSafeEqualString } from '../common/crypto/tokens';
import { Authentication, UNVOUCHED_AUTHENTICATION } from '../common/oauth/authentication';
import { nowSeconds } from '../common/time';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { ReplayCache } from '../security/replay-cache';
import { UsersService } from '../users/users.service';
import { FederatedAccounts, UpstreamIdentity, UpstreamRefused } from './federated-accounts';
import { SamlParties, SamlResponseRefused, VerifiedAssertion, authnRequestUrl, verifySamlResponse } from './saml-response';
import { NAME_ID, SamlSettings, TRANSIENT_NAME_ID, amrForContext, requestedNameIdFormat, samlRolesFor, samlServiceProvider } from './saml-settings';
import { UpstreamLoginStateEntity } from './upstream-login-state.entity';
import { UpstreamLoginStatesRepository } from './upstream-login-states.repository';
import { UpstreamProviderEntity } from './upstream-provider.entity';
import { UpstreamProvidersRepository } from './upstream-providers.repository';
import { assertAuthenticatedSinceRequest, requestedAt, UPSTREAM_STATE_TTL, UpstreamSignInService } from './upstream-sign-in.service';

/**
 * Names the browser that started a SAML sign-in. The IdP answers with a cross-site POST, which
 * carries no SameSite=Lax cookie: over HTTPS this one is SameSite=None (and Secure) so the ACS
 * sees it; the binding to the browser is what stops login CSRF (SAML Profiles §4.1.5 leaves it to us).
 */
const BROWSER_COOKIE = 'upstream_saml';
/** RelayState values and OpenID Connect `state`s share the state_hash column; the prefix keeps them apart. */
const stateHashOf = (relayState: string) => sha256Hex(`saml:${relayState}`);
/** Assertion IDs are unique per IdP (SAML Core §1.3.4): remembered per issuer until they expire. */
const REPLAY_NAMESPACE = 'saml-assertion';

/**
 * SP-initiated SAML 2.0 Web Browser SSO (SAML Profiles §4.1) with an upstream identity provider:
 * an AuthnRequest by HTTP-Redirect whose ID and RelayState are kept in the one-time login state
 * row (as the OpenID Connect nonce and state are), and the HTTP-POST answer at our ACS, verified
 * by saml-response.ts. The account is then resolved, linked or provisioned as for OpenID Connect.
 */
@Injectable()
export class SamlSignInService {
  constructor(
    private readonly providers: UpstreamProvidersRepository,
    private readonly states: UpstreamLoginStatesRepository,
    private readonly accounts: FederatedAccounts,
    private readonly users: UsersService,
    private readonly upstream: UpstreamSignInService,
    private readonly replays: ReplayCache,
    private readonly kit: InteractionKit,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
  ) {}

  /** Our SP: its entity ID is the URL of its metadata; one ACS for every IdP. */
  get sp(): SamlParties['sp'] {
    return samlServiceProvider(this.issuer);
  }

  async start(req: Request, res: Response, provider: UpstreamProviderEntity, pending: PendingAuthorization): Promise<void> {
    const settings = provider.samlSettings!;
    const relayState = randomToken();
    // SAML Core §1.3.4: an xs:ID, which may not start with a digit.
    const requestId = `_${randomBytes(20).toString('hex')}`;
    const existing = readCookie(req, BROWSER_COOKIE);
    const browser = existing && /^[\w-]{43}$/.test(existing) ? existing : randomToken();
    await this.states.insertPending(
      {
        id: randomUUID(),
        stateHash: stateHashOf(relayState),
        browserHash: sha256Hex(browser),
        providerId: provider.id,
        // No PKCE in SAML; the AuthnRequest ID takes the nonce's place (checked as InResponseTo).
        sealedCodeVerifier: '',
        nonce: requestId,
        expiresAt: nowSeconds() + UPSTREAM_STATE_TTL,
      },
      pending,
    );
    setCookie(req, res, BROWSER_COOKIE, browser, { maxAge: UPSTREAM_STATE_TTL, sameSite: crossSite(req) });
    // ForceAuthn (SAML Core §3.4.1) when our client asked for a new authentication (OpenID Connect Core §3.1.2.1),
    // and for max_age too: SAML has no maximum age, and an IdP answering from an older session would be refused.
    const force = pending.forceAuthentication || pending.maxAge !== undefined;
    const url = await authnRequestUrl(this.parties(provider, settings), requestId, relayState, requestedNameIdFormat(settings), force);
    res.redirect(url, 303);
  }

  /** The ACS: every refusal is an audited error page (400), never a 500 and never a session. */
  async finish(req: Request, res: Response): Promise<void> {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const { state, provider } = await this.spend(req, body.RelayState);
      if (typeof body.SAMLResponse !== 'string' || body.SAMLResponse === '') {
        throw new UpstreamRefused('invalid_request', 'The sign-in answer has no SAMLResponse. Start again from the application.');
      }
      const settings = provider.samlSettings!;
      const assertion = await this.verify(provider, settings, body.SAMLResponse, state);
      assertAuthenticatedSinceRequest(state, provider, assertion.authnInstant, 'AuthnInstant');
      const user = await this.accounts.resolveIdentity(provider, identityOf(provider, settings, assertion));
      if (settings.groupMappings.length > 0) {
        const groups = settings.attributes.groups ? (assertion.attributes.get(settings.attributes.groups) ?? []) : [];
        await this.users.update(user.id, { roles: samlRolesFor(groups, settings.groupMappings) });
      }
      setCookie(req, res, BROWSER_COOKIE, '', { maxAge: 0, sameSite: crossSite(req) });
      await this.upstream.signedIn(req, res, state, provider, user.id, authenticationOf(provider, assertion), assertion.authnInstant);
    } catch (error) {
      await this.upstream.refused(req, res, error);
    }
  }

  /** The state row named by RelayState, spent now (one conditional update: one winner on any instance). */
  private async spend(req: Request, relayState: unknown): Promise<{ state: UpstreamLoginStateEntity; provider: UpstreamProviderEntity }> {
    if (typeof relayState !== 'string' || relayState === '' || relayState.length > 80) {
      throw new UpstreamRefused('invalid_request', 'The sign-in answer has no RelayState: sign-ins must start here, not at the identity provider.');
    }
    const state = await this.states.findByStateHash(stateHashOf(relayState));
    if (!state || state.spentAt !== null || state.expiresAt <= nowSeconds()) {
      throw new UpstreamRefused('invalid_request', 'This sign-in is unknown, expired or already used. Start again from the application.');
    }
    const browser = readCookie(req, BROWSER_COOKIE);
    if (!browser || !timingSafeEqualString(sha256Hex(browser), state.browserHash)) {
      throw new UpstreamRefused('invalid_request', 'This sign-in was started in another browser. Start again from the application.');
    }
    if (!(await this.states.spend(state.id, nowSeconds()))) {
      throw new UpstreamRefused('invalid_request', 'This sign-in was already used. Start again from the application.');
    }
    const provider = await this.providers.findEnabled(state.providerId);
    if (!provider || provider.protocol !== 'saml' || !provider.samlSettings) {
      throw new UpstreamRefused('invalid_request', 'This sign-in provider is no longer available.');
    }
    return { state, provider };
  }

  /** The response verified against this sign-in's request, and its assertion claimed once across every instance. */
  private async verify(
    provider: UpstreamProviderEntity,
    settings: SamlSettings,
    samlResponse: string,
    state: UpstreamLoginStateEntity,
  ): Promise<VerifiedAssertion> {
    let assertion: VerifiedAssertion;
    try {
      assertion = await verifySamlResponse(this.parties(provider, settings), samlResponse, {
        id: state.nonce,
        issuedAt: requestedAt(state),
      });
    } catch (error) {
      if (!(error instanceof SamlResponseRefused)) throw error;
      throw new UpstreamRefused('access_denied', `The answer of ${provider.displayName} could not be verified (${error.message}).`);
    }
    if (!(await this.replays.claim(REPLAY_NAMESPACE, `${assertion.issuer}\n${assertion.assertionId}`, assertion.notOnOrAfter + 60))) {
      throw new UpstreamRefused('access_denied', `The answer of ${provider.displayName} was already used (a replayed assertion).`);
    }
    return assertion;
  }

  private parties(provider: UpstreamProviderEntity, settings: SamlSettings): SamlParties {
    return { sp: this.sp, idp: { entityId: provider.issuer, ssoUrl: settings.ssoUrl, certificates: settings.certificates } };
  }
}

/** SameSite=None needs Secure, which plain HTTP (local development) cannot give: Lax there. */
function crossSite(req: Request): 'none' | 'lax' {
  return req.protocol === 'https' ? 'none' : 'lax';
}

/** The person, through the provider's attribute mapping; the e-mail is verified only when the provider vouches for it. */
export function identityOf(provider: UpstreamProviderEntity, settings: SamlSettings, assertion: VerifiedAssertion): UpstreamIdentity {
  const attribute = (name: string) => {
    const value = name === NAME_ID ? assertion.nameId : (assertion.attributes.get(name)?.[0] ?? null);
    return value && value.length <= 255 ? value : null;
  };
  // SAML Core §8.3.8: a transient NameID is new at each sign-in; as the link it would make a new
  // account every time (or, reassigned later, land in someone else's).
  if (settings.attributes.subject === NAME_ID && assertion.nameIdFormat === TRANSIENT_NAME_ID) {
    throw new UpstreamRefused(
      'access_denied',
      `The answer of ${provider.displayName} names the account by a transient NameID, which changes at every sign-in. Ask its administrator for a persistent NameID.`,
    );
  }
  const subject = attribute(settings.attributes.subject);
  if (!subject) throw new UpstreamRefused('access_denied', `The answer of ${provider.displayName} names no account.`);
  const email = attribute(settings.attributes.email);
  return { subject, email, emailVerified: settings.emailVerified && email !== null, name: attribute(settings.attributes.name) };
}

/** amr and acr from the AuthnContextClassRef, kept only for a provider trusted for them (as for OpenID Connect). */
export function authenticationOf(provider: UpstreamProviderEntity, assertion: VerifiedAssertion): Authentication {
  if (!provider.trustUpstreamAmr) return UNVOUCHED_AUTHENTICATION;
  const amr = amrForContext(assertion.authnContextClassRef) ?? [];
  const acr = assertion.authnContextClassRef && assertion.authnContextClassRef.length <= 255 ? assertion.authnContextClassRef : UNVOUCHED_AUTHENTICATION.acr;
  return { amr: [...amr], acr };
}
