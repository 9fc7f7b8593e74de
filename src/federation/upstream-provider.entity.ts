import { Column, Entity } from 'typeorm';
import { ClientIdColumn, EpochColumn, JsonColumn, UuidPrimaryColumn } from '../common/database/columns';
import type { SamlSettings } from './saml-settings';

/** Which upstream claims give the local account its subject, e-mail and name. */
export interface ClaimMapping {
  readonly subject: string;
  readonly email: string;
  readonly name: string;
}

/** The protocol we speak with the provider: OpenID Connect (code flow) or SAML 2.0 (Web Browser SSO profile). */
export type UpstreamProtocol = 'oidc' | 'saml';

/** How we authenticate to the upstream token endpoint (OpenID Connect Core §9). */
export type UpstreamClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/**
 * An upstream OpenID Connect provider users may sign in with ("Sign in with …"). Its client
 * secret or private key is kept sealed (AES-256-GCM under KEY_ENCRYPTION_SECRET), bound to its id.
 */
@Entity('upstream_identity_providers')
export class UpstreamProviderEntity {
  @UuidPrimaryColumn()
  id: string;

  /** Short stable name: part of the usernames of the users it provisions. */
  @Column({ type: 'varchar', length: 64, unique: true })
  alias: string;

  @Column({ name: 'display_name', type: 'varchar', length: 255 })
  displayName: string;

  @Column({ type: 'varchar', length: 1024 })
  issuer: string;

  @ClientIdColumn()
  clientId: string;

  @Column({ name: 'client_auth_method', type: 'varchar', length: 32 })
  clientAuthMethod: UpstreamClientAuthMethod;

  /** The client secret, or the private JWK (JSON) for private_key_jwt, sealed. */
  @Column({ name: 'sealed_credential', type: 'text' })
  sealedCredential: string;

  @Column({ type: 'varchar', length: 1024 })
  scope: string;

  @JsonColumn('claim_mapping')
  claimMapping: ClaimMapping;

  /** Lower-case e-mail domains allowed to sign in; empty: any. */
  @JsonColumn('allowed_email_domains')
  allowedEmailDomains: string[];

  /** Whether the upstream's amr and acr are believed and recorded as the session's (else UNVOUCHED_AUTHENTICATION: no amr, acr "0"). */
  @Column({ name: 'trust_upstream_amr', type: 'boolean' })
  trustUpstreamAmr: boolean;

  /** Whether a user unknown here gets a local account at first sign-in (just-in-time provisioning). */
  @Column({ name: 'jit_provisioning', type: 'boolean' })
  jitProvisioning: boolean;

  /** Whether signing out here also sends the browser to the upstream's end_session_endpoint. */
  @Column({ name: 'upstream_end_session', type: 'boolean' })
  upstreamEndSession: boolean;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ type: 'varchar', length: 8, default: 'oidc' })
  protocol: UpstreamProtocol;

  /** A SAML provider's IdP endpoints, certificates and attribute mapping; null for OpenID Connect. */
  @JsonColumn('saml_settings', { nullable: true })
  samlSettings: SamlSettings | null;

  @EpochColumn('created_at')
  createdAt: number;

  @EpochColumn('updated_at')
  updatedAt: number;
}
