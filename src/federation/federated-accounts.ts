import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IDToken } from 'openid-client';
import { randomToken } from '../common/crypto/tokens';
import { nowSeconds } from '../common/time';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { UserProfile, UsersService } from '../users/users.service';
import { FederatedIdentityEntity } from './federated-identity.entity';
import { FederatedIdentitiesRepository } from './federated-identities.repository';
import { UpstreamProviderEntity } from './upstream-provider.entity';

/** A sign-in through an upstream provider that must not succeed; the user sees `message` on the error page. */
export class UpstreamRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** What the upstream says about the person, through the provider's claim mapping. */
export interface UpstreamIdentity {
  readonly subject: string;
  readonly email: string | null;
  /** True only for the boolean `true` (OpenID Connect Core §5.1): a string "true" is not a verification. */
  readonly emailVerified: boolean;
  readonly name: string | null;
}

export function mapClaims(provider: UpstreamProviderEntity, claims: IDToken): UpstreamIdentity {
  const text = (name: string) => {
    const value = claims[name];
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const subject = text(provider.claimMapping.subject);
  if (!subject || subject.length > 255) throw new UpstreamRefused('access_denied', `The answer of ${provider.displayName} names no account.`);
  // email_verified vouches for the `email` claim only (OpenID Connect Core §5.1): an address mapped
  // from another claim (upn, preferred_username) is never verified, so never links an account.
  const emailVerified = provider.claimMapping.email === 'email' && claims.email_verified === true;
  return { subject, email: text(provider.claimMapping.email), emailVerified, name: text(provider.claimMapping.name) };
}

/**
 * Which local user an upstream account is: its link (made at an earlier sign-in or by an
 * administrator), else the local user with the same e-mail address ONLY when the upstream says it
 * verified it (an unverified address would let anyone who can type it take the account over), else
 * a new user (just-in-time provisioning, when the provider allows it).
 */
@Injectable()
export class FederatedAccounts {
  constructor(
    private readonly links: FederatedIdentitiesRepository,
    private readonly users: UsersService,
    private readonly work: UnitOfWork,
  ) {}

  async resolve(provider: UpstreamProviderEntity, claims: IDToken): Promise<UserProfile> {
    return this.resolveIdentity(provider, mapClaims(provider, claims));
  }

  /** The same for an identity mapped from another protocol's answer (a SAML assertion). */
  async resolveIdentity(provider: UpstreamProviderEntity, identity: UpstreamIdentity): Promise<UserProfile> {
    this.assertAllowedDomain(provider, identity);
    const userId = (await this.linkedUser(provider, identity)) ?? (await this.linkByEmail(provider, identity)) ?? (await this.provision(provider, identity));
    const user = await this.users.findEnabled(userId);
    if (!user) throw new UpstreamRefused('access_denied', 'This account is disabled.');
    return user;
  }

  private assertAllowedDomain(provider: UpstreamProviderEntity, identity: UpstreamIdentity): void {
    if (provider.allowedEmailDomains.length === 0) return;
    const domain = identity.email?.slice(identity.email.lastIndexOf('@') + 1).toLowerCase();
    // An unverified address proves nothing about the domain either.
    if (!identity.emailVerified || !domain || !provider.allowedEmailDomains.includes(domain)) {
      throw new UpstreamRefused('access_denied', `Your ${provider.displayName} account may not sign in here (its e-mail domain is not allowed).`);
    }
  }

  private async linkedUser(provider: UpstreamProviderEntity, identity: UpstreamIdentity): Promise<string | null> {
    return (await this.links.findBySubject(provider.id, identity.subject))?.userId ?? null;
  }

  private async linkByEmail(provider: UpstreamProviderEntity, identity: UpstreamIdentity): Promise<string | null> {
    if (!identity.email) return null;
    const existing = await this.users.idByEmail(identity.email);
    if (!existing) return null;
    if (!identity.emailVerified) {
      throw new UpstreamRefused(
        'access_denied',
        `An account here has this e-mail address, but ${provider.displayName} did not verify it, so it cannot be linked. Ask an administrator to link your account.`,
      );
    }
    await this.insertLink(provider, identity, existing, 'verified_email');
    return existing;
  }

  private async provision(provider: UpstreamProviderEntity, identity: UpstreamIdentity): Promise<string> {
    if (!provider.jitProvisioning) throw new UpstreamRefused('access_denied', `No account here is linked to your ${provider.displayName} account.`);
    // No password anyone knows: the account signs in through the provider (or after an admin sets one).
    const entity = await this.users.newEntity({
      username: `${provider.alias}:${identity.subject}`.slice(0, 255),
      password: randomToken(),
      email: identity.email,
      emailVerified: identity.emailVerified,
      name: identity.name,
    });
    await this.work.audited({ type: 'user.provisioned', subject: entity.id, detail: { provider: provider.alias } }, async () => {
      await this.users.insert(entity);
      await this.links.insert(this.link(provider, identity, entity.id, 'provisioned'));
    });
    return entity.id;
  }

  private async insertLink(provider: UpstreamProviderEntity, identity: UpstreamIdentity, userId: string, linkedBy: string): Promise<void> {
    await this.work.audited({ type: 'user.federated_identity.linked', subject: userId, detail: { provider: provider.alias, linked_by: linkedBy } }, () =>
      this.links.insert(this.link(provider, identity, userId, linkedBy)),
    );
  }

  private link(provider: UpstreamProviderEntity, identity: UpstreamIdentity, userId: string, linkedBy: string): FederatedIdentityEntity {
    return Object.assign(new FederatedIdentityEntity(), {
      id: randomUUID(),
      providerId: provider.id,
      subject: identity.subject,
      userId,
      linkedBy,
      createdAt: nowSeconds(),
    });
  }
}
