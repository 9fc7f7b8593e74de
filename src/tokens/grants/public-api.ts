/**
 * Everything a grant author needs, from one path: the contract and its decorator, the token issuer
 * and store, and the module that provides it, the one error type (and new codes), scope policy and
 * the types a grant sees; for a grant that brings its own endpoint and records: client
 * authentication for the endpoint, metadata fields, tables and their expiry.
 * A grant outside src/ imports from here only; what is not exported here may change without notice.
 *
 * TokensModule comes last: its providers include grants written against this file, so loading it
 * must find everything above already exported.
 */
export type { GrantStrategy } from './grant-strategy';
export { GrantStrategyProvider } from './grant-strategy.decorator';
export { GrantIssuer, TokenIssuer } from '../token-issuer';
export type { IssueContext } from '../token-issuer';
export { GrantTokenLookup, TokenStore, isActive } from '../token-store';
export type { FoundToken } from '../token-store';
export type { TokenResponse } from '../token-response';
export { presentedConfirmation } from './issuing-grant';
export type { Confirmation } from '../binding/confirmation';
export { sameConfirmation } from '../binding/confirmation';
export type { AuthenticatedClient } from '../../clients/clients.service';
export type { Authentication } from '../../common/oauth/authentication';
export { clientScopes } from '../../clients/clients.service';
export { OAuthError } from '../../common/oauth/oauth-error';
export { defineOAuthErrorCode } from '../../common/oauth/oauth-error';
export type { OAuthErrorCode } from '../../common/oauth/oauth-error';
export { resolveScope } from '../../common/oauth/scope-policy';
export { formatScope, scopeTokens } from '../../common/oauth/scope';
export { IsOptionalNotNull, OptionalString } from '../../common/http/optional';
export { ClientAuthGuard } from '../../clients/guards/client-auth.guard';
export { CurrentClient } from '../../clients/guards/current-client.decorator';
export { MetadataContributorProvider } from '../../common/metadata/metadata-contributor';
export type { MetadataContributor } from '../../common/metadata/metadata-contributor';
export { WithSchema } from '../../database/extensions/extension-schema';
export type { ExtensionSchema } from '../../database/extensions/extension-schema';
export { expiringTable, ExpiringTableProvider } from '../../database/extensions/expiring-table';
export type { ExpiringTable } from '../../database/extensions/expiring-table';
export { randomToken, sha256Hex } from '../../common/crypto/tokens';
export { nowSeconds } from '../../common/time';
// For a grant a user approved elsewhere (RFC 8628's device code): the user as they are now, and
// the ID Token of a response whose scope has openid; the server's configuration (issuer, lifetimes),
// one setting at a time with InjectConfig (APP_CONFIG, the whole, stays for modules written against it).
export { UsersService } from '../../users/users.service';
export type { UserProfile } from '../../users/users.service';
export { IdTokenService } from '../../oidc/id-token.service';
export type { IdTokenContext } from '../../oidc/id-token.service';
export { APP_CONFIG } from '../../config/app-config';
export { InjectConfig } from '../../config/config.module';
export type { AppConfig } from '../../config/app-config';
export { TokensModule } from '../tokens.module';
